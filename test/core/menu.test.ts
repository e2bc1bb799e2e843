/** Unit test of the menu's names as messages spell them: the path a user follows to open the sidebar. */
import { OPEN_SIDEBAR_PATH } from '../../src/core/menu';

describe('menu', () => {
  it('spells the way to the sidebar as the menu shows it: menu title, arrow, item', () => {
    expect(OPEN_SIDEBAR_PATH).toBe('Webhooks to Sheets → Open sidebar');
  });
});
