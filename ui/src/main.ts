// The page's wiring: each part (list, trace, search, keys, theme and, in
// the desktop app, opening files, ClickHouse and live) sets itself up here.
// Every figure comes from the service layer through `api`; the modules only
// arrange, route input and draw.

import { desktop } from "./api";
import { initClickHouse } from "./desktop/clickhouse";
import { initLive } from "./desktop/live";
import { initOpen, openStartAt } from "./desktop/open";
import { $, errorText, fail, say } from "./dom";
import { initFind } from "./find";
import { initNav } from "./nav";
import { initCompare } from "./compare";
import { initGraph } from "./graphview";
import { initKeys } from "./keys";
import { initLink, restoreFromAddress } from "./link";
import { initList, loadSummary } from "./list";
import { initPanes } from "./panes";
import { initSpanFilter } from "./spanfilter";
import { initTheme } from "./theme";
import { initTrace } from "./trace";
import { initViews } from "./views";

async function startDesktop(): Promise<void> {
  document.body.classList.add("desktop");
  $<HTMLElement>("#desktop-actions").hidden = false;
  initClickHouse();
  await initLive();
  await initOpen();
}

async function start(): Promise<void> {
  initViews();
  initTrace();
  initFind();
  initNav();
  initList();
  initPanes();
  initTheme();
  initKeys();
  initSpanFilter();
  initCompare();
  initGraph();
  initLink();
  try {
    if (desktop) await startDesktop();
    else document.body.classList.add("browser");
    await loadSummary();
    if (desktop) await openStartAt();
    else await restoreFromAddress();
  } catch (e) {
    say(`cannot load: ${errorText(e)}`);
  }
}

void start().catch(fail);
