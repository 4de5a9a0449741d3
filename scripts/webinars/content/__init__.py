"""Content: folders of MyST files become plain data (models), checked against the contract."""
