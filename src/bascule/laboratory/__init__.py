"""The laboratory while its system is down (issue 19): the reduced menu and admission of requests."""
