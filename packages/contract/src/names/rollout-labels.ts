/**
 * The pod label Argo Rollouts puts on every pod of a Rollout: the hash of its pod template, so
 * the canary's pods and the stable pods can be told apart.
 */
export const ROLLOUT_POD_HASH_POD_LABEL = 'rollouts-pod-template-hash';

/**
 * The same label on scraped series, as a ServiceMonitor's `podTargetLabels` copies it (the
 * Prometheus Operator sanitises `-` to `_`). Canary analysis selects on it; no series carries a
 * version otherwise.
 */
export const ROLLOUT_POD_HASH_LABEL = 'rollouts_pod_template_hash';
