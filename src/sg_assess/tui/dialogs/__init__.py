"""Modal dialogs, each typed by what it returns (``ModalScreen[T]``)."""
