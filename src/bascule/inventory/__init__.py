"""From a hospital's inventory (our CSV layout, GLPI, NetBox) to a draft map (contract 7)."""
