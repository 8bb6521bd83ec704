from bascule.cli import run

run()
