// tasks view: being built.
'use strict';
window.GT = window.GT || {};
GT.views = GT.views || {};
