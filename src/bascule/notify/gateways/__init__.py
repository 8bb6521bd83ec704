"""Message gateways: Kannel (SMS), SMTP (e-mail) and a file (demo), behind one port (base.py)."""
