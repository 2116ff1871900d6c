# One image for the web server and the Celery worker (see docker-compose.yml).

# Chart.js and its plugins, pinned in package-lock.json (the pages load nothing from a CDN).
FROM node:20-slim AS vendor
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && mkdir vendor && cp node_modules/chart.js/dist/chart.umd.min.js \
    node_modules/hammerjs/hammer.min.js node_modules/chartjs-plugin-zoom/dist/chartjs-plugin-zoom.min.js \
    node_modules/chartjs-plugin-annotation/dist/chartjs-plugin-annotation.min.js vendor/

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY requirements.txt .
# torch==2.13.0 is the CPU build; point PIP_FIND_LINKS / PIP_EXTRA_INDEX_URL at a mirror if needed.
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=vendor /build/vendor/ static/vendor/
RUN DJANGO_SETTINGS_MODULE=ecgsite.settings python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "ecgsite.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--timeout", "300"]
