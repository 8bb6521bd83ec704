"""Patient messages: templates, phone numbers, the outbox, the sender and its gateways.

This package reads patient contact data (numbers, e-mail addresses): nothing it logs or raises
carries them; errors name message keys and activity ids only.
"""
