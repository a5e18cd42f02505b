"""The Textual user interface.  Screens are thin: they call the headless core."""
