"""What every screen leans on: the base screen, forms, help, the palette, records, versions."""
