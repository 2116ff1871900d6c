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
# torch first, at the version requirements.txt pins, from PyTorch's CPU-only index: PyPI's Linux
# wheel of the same version is the CUDA build, gigabytes the CPU-only inference never uses.
# Build with --build-arg TORCH_INDEX_URL=... to use a mirror.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN pip install --no-cache-dir --index-url "$TORCH_INDEX_URL" \
        "torch==$(sed -n 's/^torch==//p' requirements.txt)" \
    && pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=vendor /build/vendor/ static/vendor/
RUN DJANGO_SETTINGS_MODULE=ecgsite.settings python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "ecgsite.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--timeout", "300"]
