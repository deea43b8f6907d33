from selfhelp import create_app

app = create_app()
