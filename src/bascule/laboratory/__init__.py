"""The laboratory and the blood bank while the laboratory system is down (issue 19): the reduced
menu and admission of requests, the blood bank."""
