import type { Knex } from 'knex';

/**
 * The item each payment application (`pa`) paid, joined as `i` (an invoice or its terms
 * discount), `ad` (an adjustment) and `st` (a statement's discount): at most one is found per
 * line, which is how every reader of lines names them.
 */
export function joinApplicationItems(query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query
    .leftJoin('invoices as i', 'i.id', 'pa.invoice_id')
    .leftJoin('adjustments as ad', 'ad.id', 'pa.adjustment_id')
    .leftJoin('statements as st', 'st.id', 'pa.statement_id');
}
