"""The pages of the crisis application, one module per part of the cell's work."""
