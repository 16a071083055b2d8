// Points Swagger UI at the document the router is built from (same origin, no token needed to read it).
window.addEventListener('load', function () {
  // The document's `servers` names the local development address (http://localhost:8080); this
  // page's "Try it out" must call the service that serves the page (the Content-Security-Policy
  // allows no other origin), so the page shows this origin as the one server. The paths carry no
  // base path, so the origin alone is the server URL (docs/DESIGN.md#http).
  var thisOrigin = {
    statePlugins: {
      spec: {
        wrapActions: {
          updateJsonSpec: function (original) {
            return function (spec) {
              spec.servers = [{ url: window.location.origin, description: 'this service' }];
              return original(spec);
            };
          }
        }
      }
    }
  };
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [function () { return thisOrigin; }],
    layout: 'BaseLayout',
    // Never ask a third party to validate the document.
    validatorUrl: null
  });
});
