/** Presentation mode is kept in the link when the settings are written back into it. */
import { describe, expect, it } from 'vitest';
import { keepViewParams, scenarioFromUrl, scenarioToSearch } from '../store/url';

describe('view parameters in the link', () => {
  it('keeps present=1 next to the settings, and the settings are unchanged by it', () => {
    const s = scenarioFromUrl('?seed=abc&v=1.2&present=1');
    const search = keepViewParams(scenarioToSearch(s), '?seed=old&present=1');
    expect(new URLSearchParams(search).get('present')).toBe('1');
    expect(new URLSearchParams(search).get('seed')).toBe('abc');
    expect(scenarioFromUrl(search)).toEqual(s);
  });
  it('adds nothing when the page has no view parameters', () => {
    const s = scenarioFromUrl('?seed=abc');
    expect(keepViewParams(scenarioToSearch(s), '?seed=abc&v=1.3')).toBe(scenarioToSearch(s));
  });
});
