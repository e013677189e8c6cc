"""vse-tui: run a small IT service shop the ISO/IEC TR 29110-5-3 way, in the terminal."""

__version__ = "0.1.0"

import os as _os

# We use no pydantic plugins; saying so spares every start the scan of installed packages'
# entry points that pydantic does before it builds the first model (about 10 ms of each command).
_os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
