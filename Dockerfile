# Attune bot image: slim Python, dependencies in their own cached layer, non-root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN useradd --create-home --uid 10001 attune

# Dependencies first: this layer is reused until pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py \
    && pip install . \
    && pip uninstall --yes attune \
    && rm -rf bot

# The code runs from /app (python -m bot finds ./bot), so dialogs/ and data/
# sit next to it exactly as in a checkout. They belong to the image: an
# upgrade brings new safety word lists, crisis lines and prompts.
COPY bot ./bot
COPY dialogs ./dialogs
COPY data ./data

# What the bot writes lives apart, in the one volume: the embedded database
# (unless DATABASE_URL names PostgreSQL) and nothing else.
RUN mkdir -p /var/lib/attune && chown 10001:10001 /var/lib/attune
ENV DATABASE_URL=sqlite+aiosqlite:////var/lib/attune/attune.db \
    HEALTH_FILE=/tmp/attune.alive
VOLUME ["/var/lib/attune"]

USER 10001
EXPOSE 8080

# The running bot touches HEALTH_FILE while its loop and database answer.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]

ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
