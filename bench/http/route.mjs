// The one route every HTTP scenario serves: a small JSON document, as a LIMS lookup would return.
// It does no work of its own, so the difference between scenarios is the instrumentation.

export const ROUTE_PATH = '/api/samples/:id';
export const REQUEST_PATH = '/api/samples/S-000123';

/** Adds `GET /api/samples/:id` to an Express app. */
export function addRoute(app) {
  app.get(ROUTE_PATH, (req, res) => {
    res.json({ id: req.params.id, type: 'blood', status: 'received', lab: 'lab-a' });
  });
}
