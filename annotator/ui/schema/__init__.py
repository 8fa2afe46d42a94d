"""Labels → Edit schema…: labels, fact roles, attribute definitions."""
