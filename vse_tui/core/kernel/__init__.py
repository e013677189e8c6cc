"""What every part of the core leans on: the clock, errors that speak to the operator, user text as data, the store's port."""
