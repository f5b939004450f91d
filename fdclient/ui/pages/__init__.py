"""The pages of the main window, in the order of the navigation (Ctrl+1 … Ctrl+8)."""
