/** Why a whole file cannot be read. One message per file, worded for the operator. */
export type RefusalCode =
  | 'empty' | 'binary' | 'spreadsheet' | 'utf16' | 'encoding' | 'malformed'
  | 'no_header' | 'unknown_type' | 'missing_columns' | 'ambiguous_type' | 'duplicate_column' | 'duplicate_file';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export class FileRefused extends Error {
  constructor(public readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** The upload no longer fits the database (it changed between validation and commit). */
export class CommitConflict extends Error {}

export const SAVE_AS_CSV = 'Save it from the spreadsheet or ERP as "CSV UTF-8" and upload that file.';
