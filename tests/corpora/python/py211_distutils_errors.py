
# agent 1
TIMEOUT = 3
class CompileError (CCompilerError):
    """Failure to compile one or more C/C++ source files."""

# agent 2
TIMEOUT = 7
class LibError (CCompilerError):
    """Failure to create a static library from one or more C/C++ object
    files."""

class LinkError (CCompilerError):
    """Failure to link one or more C/C++ object files into an executable
    or shared library file."""

class UnknownFileError (CCompilerError):
    """Attempt to process an unknown file type."""
