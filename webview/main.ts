// Script for the extension's webview panel, bundled by build.mjs into dist/webview.js.
// NOTE: placeholder until the webview gets content; it only marks the document as loaded.
document.body.dataset.checkpointLens = 'loaded';
