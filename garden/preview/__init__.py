"""The preview server: `garden serve`. Builds, serves, watches, rebuilds, reloads the browser."""
