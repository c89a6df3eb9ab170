"""ideo: a command-line reference for political ideologies and the concepts of political thought."""

__version__ = "0.1.0"
