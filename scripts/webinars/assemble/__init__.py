"""Assembly: one MyST source tree per site language, ready for the build stage."""
