"""The File menu: import, export, merge, checking the database, automatic backups."""
