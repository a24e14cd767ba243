/**
 * Observable Plot in Node: charts render into a jsdom document and come out as
 * SVG text, the same bytes in a notebook cell, the report and a snapshot test.
 */
import type * as PlotModule from '@observablehq/plot';
import type { JSDOM as JSDOMClass } from 'jsdom';

export type PlotOptions = PlotModule.PlotOptions;

// Loaded on the first chart drawn, not with the module: jsdom and Plot take 0.7 s to load, and a report whose
// charts all come from the chart cache draws none.
let plotModule: typeof PlotModule | undefined;

/** Observable Plot, loaded on first use. */
export function plot(): typeof PlotModule {
  return (plotModule ??= require('@observablehq/plot') as typeof PlotModule);
}

// One document for every chart: a jsdom window per chart is never freed, even closed (about 1 MB per
// chart of 2,000 dots stayed on the heap; the report of a 450-account base needed 3.7 GB).
let shared: Document | undefined;

/** Renders Plot options to an SVG (or, with a title or legend, a figure wrapping it) as text. */
export function renderPlot(options: PlotOptions): string {
  const { JSDOM } = require('jsdom') as { JSDOM: typeof JSDOMClass };
  const document = (shared ??= new JSDOM('').window.document);
  const node = plot().plot({ ...options, document }) as unknown as Element;
  // Plot sets the namespace on the element, not as an attribute: a standalone SVG needs it written.
  for (const svg of node.tagName.toLowerCase() === 'svg' ? [node] : Array.from(node.querySelectorAll('svg'))) {
    if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  }
  return node.outerHTML;
}

