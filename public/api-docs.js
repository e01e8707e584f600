// Starts Swagger UI on /api/docs.html (kept out of the page: the CSP allows no inline script).
globalThis.SwaggerUIBundle({
  url: "/api/docs",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
