"""Bookmarks and history as data: models, their files' formats, the Netscape bookmark file,
and the ``yonder:bookmarks`` / ``yonder:history`` pages as HTML. No Qt: the window (or, later,
each tab's page) holds these objects and does the file I/O and the dialogs."""
