"""The window shell: the main window, its toolbar, menus, docks and window-wide controllers."""
