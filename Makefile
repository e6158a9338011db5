.PHONY: run test bench lint messages

run:  ## Install, migrate, load demo data, start web + worker + beat
	./scripts/run

test:  ## The whole test suite on PostgreSQL + Redis, with the static checks
	./scripts/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

messages:  ## Refresh and compile the Korean and English translations
	DJANGO_DEBUG=1 .venv/bin/python manage.py makemessages -l ko -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv
