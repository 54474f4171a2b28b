// The whole labelled set: the development portion (the classifier's rules were checked against
// it, stress tools included) and the held-out portion (written first, never used to adjust the rules).
import { DATA_TOOLS } from './labelled-dev-data.js';
import { BUSINESS_TOOLS } from './labelled-dev-business.js';
import { ENGINEERING_TOOLS } from './labelled-dev-engineering.js';
import { HELD_OUT_TOOLS } from './labelled-held-out.js';
import { REVIEW_TOOLS } from './labelled-review.js';
import { STRESS_TOOLS } from './labelled-stress.js';
import type { LabelledTool } from './labelled-support.js';

export const DEVELOPMENT_TOOLS: readonly LabelledTool[] = [...ENGINEERING_TOOLS, ...DATA_TOOLS, ...BUSINESS_TOOLS, ...STRESS_TOOLS];
export { HELD_OUT_TOOLS };
export { REVIEW_TOOLS };
export const LABELLED_TOOLS: readonly LabelledTool[] = [...DEVELOPMENT_TOOLS, ...HELD_OUT_TOOLS, ...REVIEW_TOOLS];
