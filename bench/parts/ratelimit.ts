import { BenchContext } from "../lib/context";
import { Report } from "../lib/report";

export async function rateLimitPart(_ctx: BenchContext, _report: Report): Promise<void> {}
