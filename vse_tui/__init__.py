"""vse-tui: run a small IT service shop the ISO/IEC TR 29110-5-3 way, in the terminal."""

import os

__version__ = "0.1.0"

# We use no pydantic plugins; saying so spares every start the scan of installed packages'
# entry points that pydantic does before it builds the first model.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
