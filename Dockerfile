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
# sit next to it exactly as in a checkout.
COPY bot ./bot
COPY dialogs ./dialogs
COPY data ./data
RUN chown -R 10001:10001 /app/data

USER 10001
VOLUME ["/app/data"]
EXPOSE 8080

ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
