"""Downloads and saving: the download manager and worker, background saves, file dialogs."""
