# The contact point's image: web, worker and beat run from it with different commands.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 INSTANCE_PATH=/data
RUN useradd --create-home --uid 10001 triage && mkdir /data && chown triage /data
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e . && chown -R triage /app
USER triage
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-", "--logger-class", "inquiries.access_log.RedactingLogger", "inquiries.wsgi:app"]
