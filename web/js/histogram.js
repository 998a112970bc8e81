// Histogram drawing: being built.
'use strict';
window.GT = window.GT || {};
