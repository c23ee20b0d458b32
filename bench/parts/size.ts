import { BenchContext } from "../lib/context";
import { Report } from "../lib/report";

export async function sizePart(_ctx: BenchContext, _report: Report): Promise<void> {}
