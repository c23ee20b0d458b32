import { BenchContext } from "../lib/context";
import { Report } from "../lib/report";

export async function scalePart(_ctx: BenchContext, _report: Report): Promise<void> {}
