"""vse-tui: run a small IT service shop the ISO/IEC TR 29110-5-3 way, in the terminal."""

__version__ = "0.1.0"
