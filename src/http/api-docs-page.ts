/**
 * The API reference page: Swagger UI (swagger-ui-dist, served from node_modules) reading
 * `/api/docs`. No inline script, nothing from elsewhere, so the site's CSP holds as is.
 */
export const API_DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pairline API</title>
<link rel="icon" type="image/png" href="/vendor/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/api-docs.js"></script>
</body>
</html>
`;

/** The only files of swagger-ui-dist the page needs. */
export const SWAGGER_UI_FILES = ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"] as const;
