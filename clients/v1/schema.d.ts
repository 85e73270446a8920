/**
 * The /api/v1 types, generated from the v1 OpenAPI document (contracts/routes.ts) by
 * openapi-typescript. Do not edit: run `npm run generate:client`.
 */
export interface paths {
    "/api/v1/adjustments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Credit and debit adjustments, by cursor
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1Adjustments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/adjustments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One adjustment with the payments applied to it */
        get: operations["getV1AdjustmentsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Customer accounts, by cursor
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1Customers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One customer account with its figures, contacts and jobs */
        get: operations["getV1CustomersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What happened to payments and settlements, oldest first, after a cursor
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1Events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingestion-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload CSV files (multipart, as the console does) or the same rows as a JSON batch; validation starts at once (write scope)
         * @description Roles: scope:write.
         */
        post: operations["postV1IngestionRuns"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingestion-runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One upload: its status, files and counts */
        get: operations["getV1IngestionRunsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingestion-runs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an upload not yet committed (write scope)
         * @description Roles: scope:write.
         */
        post: operations["postV1IngestionRunsByIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingestion-runs/{id}/commit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Commit a validated upload: every valid row in one transaction (write scope)
         * @description Roles: scope:write.
         */
        post: operations["postV1IngestionRunsByIdCommit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingestion-runs/{id}/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The rows validation refused, with row number (and, for a JSON batch, row index) and the faulty columns, by cursor
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1IngestionRunsByIdErrors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Invoices, by cursor
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1Invoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One invoice with the payments applied to it */
        get: operations["getV1InvoicesById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices/{id}/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The invoice copy and delivery tickets behind an invoice */
        get: operations["getV1InvoicesByIdDocuments"];
        put?: never;
        /**
         * Upload an invoice copy or delivery ticket as multipart/form-data (file-based dealers; PDF, PNG or JPEG up to 10 MB; write scope)
         * @description Roles: scope:write.
         */
        post: operations["postV1InvoicesByIdDocuments"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices/{id}/documents/{documentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One document of the invoice, its bytes as kept */
        get: operations["getV1InvoicesByIdDocumentsByDocumentId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Payments, by cursor, filtered by status, method, customer, settlement and day submitted
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1Payments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/payments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One payment with its applications and timeline */
        get: operations["getV1PaymentsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Settlements, by cursor
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1Settlements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settlements/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One settlement with its payments and first lines */
        get: operations["getV1SettlementsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settlements/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close an open settlement before its cutoff (write scope)
         * @description Roles: scope:write.
         */
        post: operations["postV1SettlementsByIdClose"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/settlements/{id}/posting-file.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The posting file for an ERP payment-entry import */
        get: operations["getV1SettlementsByIdPostingFileCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/statements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statements, by cursor
         * @description Answers `{ data, has_more, next_cursor }`.
         */
        get: operations["getV1Statements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/statements/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One statement with its items */
        get: operations["getV1StatementsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                code: string;
                details?: unknown;
                message: string;
                requestId?: string;
            };
        };
    };
    responses: {
        /** @description A refusal: `code` for programs, `message` for people, `details` per field when a request part was invalid */
        Refusal: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getV1Adjustments: {
        parameters: {
            query?: {
                customer_id?: string;
                kind?: "credit" | "debit";
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                /** @description The next_cursor of the previous page */
                starting_after?: string;
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            adjustment_number: string;
                            amount_cents: number;
                            applies_to_invoice_number: string | null;
                            balance_cents: number;
                            currency: string | null;
                            customer_account_id: string;
                            customer_name: string;
                            description: string | null;
                            due_date: string | null;
                            erp_account_id: string;
                            id: string;
                            job_id: string | null;
                            job_name: string | null;
                            /** @enum {string} */
                            kind: "credit" | "debit";
                            reason: string | null;
                            reserved_cents: number;
                            statement_id: string | null;
                            /** @enum {string} */
                            status: "open" | "partially_applied" | "applied" | "void";
                            transaction_date: string | null;
                            voucher_id: string | null;
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    getV1AdjustmentsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        adjustment_number: string;
                        amount_cents: number;
                        applies_to_invoice_number: string | null;
                        balance_cents: number;
                        /** Format: date-time */
                        created_at: string;
                        currency: string | null;
                        customer_account_id: string;
                        customer_name: string;
                        description: string | null;
                        due_date: string | null;
                        erp_account_id: string;
                        id: string;
                        job_id: string | null;
                        job_name: string | null;
                        /** @enum {string} */
                        kind: "credit" | "debit";
                        payments: {
                            amount_cents: number;
                            id: number;
                            item_type: string;
                            /** @enum {string} */
                            method: "ach" | "card";
                            payment_id: string;
                            payment_number: string;
                            /** @enum {string} */
                            payment_status: "pending" | "settled" | "frozen" | "terminated" | "failed" | "returned" | "disputed" | "refunded" | "charged_back";
                            state: string;
                            /** Format: date-time */
                            submitted_at: string;
                        }[];
                        reason: string | null;
                        reserved_cents: number;
                        statement_id: string | null;
                        /** @enum {string} */
                        status: "open" | "partially_applied" | "applied" | "void";
                        transaction_date: string | null;
                        /** Format: date-time */
                        updated_at: string;
                        voucher_id: string | null;
                    };
                };
            };
        };
    };
    getV1Customers: {
        parameters: {
            query?: {
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                /** @description The next_cursor of the previous page */
                starting_after?: string;
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            account_type: string;
                            aging_1_30_cents: number;
                            aging_31_60_cents: number;
                            aging_61_90_cents: number;
                            aging_91_plus_cents: number;
                            available_credit_cents: number | null;
                            collection_priority: number;
                            credit_adjustments_cents: number;
                            credit_hold: boolean;
                            credit_hold_reason: ("over_limit" | "past_due" | "other") | null;
                            credit_limit_cents: number | null;
                            current_cents: number;
                            current_invoice_count: number;
                            debit_adjustments_cents: number;
                            discounts_cents: number;
                            erp_account_id: string;
                            id: string;
                            /** @enum {string} */
                            invitation_status: "none" | "pending" | "accepted" | "declined" | "expired";
                            name: string;
                            open_invoice_count: number;
                            outstanding_cents: number;
                            over_credit_limit: boolean;
                            past_due_cents: number;
                            past_due_invoice_count: number;
                            portal_access_disabled: boolean;
                            stats_as_of: string | null;
                            /** @enum {string} */
                            status: "active" | "inactive";
                            weighted_days_overdue: number;
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    getV1CustomersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account_type: string;
                        address: {
                            city: string | null;
                            line1: string | null;
                            postal_code: string | null;
                            state: string | null;
                        };
                        aging_1_30_cents: number;
                        aging_31_60_cents: number;
                        aging_61_90_cents: number;
                        aging_91_plus_cents: number;
                        available_credit_cents: number | null;
                        collection_priority: number;
                        contacts: {
                            email: string | null;
                            erp_contact_id: string | null;
                            id: string;
                            is_primary: boolean;
                            name: string | null;
                            phone: string | null;
                            role: string | null;
                        }[];
                        /** Format: date-time */
                        created_at: string;
                        credit: {
                            available_cents: number | null;
                            limit_cents: number | null;
                            utilisation_bps: number | null;
                        };
                        credit_adjustments_cents: number;
                        credit_hold: boolean;
                        credit_hold_reason: ("over_limit" | "past_due" | "other") | null;
                        credit_limit_cents: number | null;
                        current_cents: number;
                        current_invoice_count: number;
                        debit_adjustments_cents: number;
                        discounts_cents: number;
                        erp_account_id: string;
                        id: string;
                        /** @enum {string} */
                        invitation_status: "none" | "pending" | "accepted" | "declined" | "expired";
                        jobs: {
                            erp_job_id: string;
                            id: string;
                            name: string;
                            status: string | null;
                        }[];
                        name: string;
                        net_ar_cents: number;
                        open_invoice_count: number;
                        outstanding_cents: number;
                        over_credit_limit: boolean;
                        past_due_cents: number;
                        past_due_invoice_count: number;
                        phone: string | null;
                        portal_access: {
                            companies: {
                                active_users: number;
                                company_id: string;
                                company_name: string;
                                linked_at: string | null;
                                status: string;
                            }[];
                            disabled: boolean;
                            invitation: {
                                /** Format: date-time */
                                created_at: string;
                                email: string;
                                /** Format: date-time */
                                expires_at: string;
                                id: string;
                                responded_at: string | null;
                                sent_at: string | null;
                                /** @enum {string} */
                                status: "none" | "pending" | "accepted" | "declined" | "expired";
                            } | null;
                            invite_to: string | null;
                            /** @enum {string} */
                            state: "disabled" | "active" | "invited" | "not_invited";
                        };
                        portal_access_disabled: boolean;
                        /** @enum {string} */
                        priority_band: "act_now" | "watch" | "on_track" | "nothing_to_do";
                        priority_breakdown: {
                            key: string;
                            label: string;
                            max_tenths: number | null;
                            tenths: number | null;
                        }[];
                        priority_components: unknown;
                        stats_as_of: string | null;
                        stats_computed_at: string | null;
                        /** @enum {string} */
                        status: "active" | "inactive";
                        weighted_days_overdue: number;
                    };
                };
            };
        };
    };
    getV1Events: {
        parameters: {
            query?: {
                /** @description The next_cursor of the previous page; omit to read from the first event */
                after?: string;
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            data: {
                                [key: string]: unknown;
                            };
                            entity_id: string;
                            /** @enum {string} */
                            entity_type: "payment" | "settlement" | "ingestion_run" | "dealer";
                            /** @description Unique and increasing; also usable to de-duplicate */
                            id: string;
                            /** Format: date-time */
                            occurred_at: string;
                            /** @enum {string} */
                            type: "payment.created" | "payment.settled" | "payment.failed" | "payment.returned" | "payment.disputed" | "payment.refunded" | "payment.charged_back" | "payment.terminated" | "settlement.closed" | "settlement.posted" | "ingestion.completed" | "sync.failed";
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    postV1IngestionRuns: {
        parameters: {
            query?: never;
            header: {
                /** @description One per operation (8–200 of A-Z a-z 0-9 . _ : -). A retry with the same key and body gets the first answer; the same key with another body is refused (409 idempotency_key_reused). Kept 24 hours. */
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    files: {
                        /**
                         * @description The format of the rows: accounts, contacts, statements, invoices, adjustments or statement_items
                         * @enum {string}
                         */
                        data_type: "accounts" | "contacts" | "statements" | "invoices" | "adjustments" | "statement_items";
                        /** @description One object per row; its fields are the columns of the format (docs/csv-formats.md). Every row has the same fields; null for an empty value. */
                        rows: {
                            [key: string]: string | number | boolean | null;
                        }[];
                    }[];
                };
                "multipart/form-data": {
                    /** @description One part per CSV file; a part named after a data type (accounts, invoices, …) forces that type */
                    file: string[];
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        committed_at: string | null;
                        counts: {
                            [key: string]: {
                                files: number;
                                inserted: number;
                                invalid: number;
                                lines: number;
                                unchanged: number;
                                updated: number;
                                valid: number;
                            };
                        };
                        /** Format: date-time */
                        created_at: string;
                        error: string | null;
                        files: {
                            applied_at: string | null;
                            columns: {
                                [key: string]: unknown;
                            }[] | null;
                            content_sha256: string;
                            data_type: ("accounts" | "contacts" | "statements" | "invoices" | "adjustments" | "statement_items") | null;
                            encoding: ("utf-8" | "windows-1252" | "utf-16le" | "utf-16be") | null;
                            filename: string;
                            id: string;
                            inserted: number;
                            invalid_rows: number;
                            previously_applied: {
                                /** Format: date-time */
                                applied_at: string;
                                run_id: string;
                            } | null;
                            refusal: string | null;
                            size_bytes: number;
                            /** @enum {string} */
                            source: "csv" | "json";
                            status: string;
                            total_lines: number;
                            unchanged: number;
                            updated: number;
                            valid_rows: number;
                            validated_at: string | null;
                            warnings: string[] | null;
                        }[];
                        finished_at: string | null;
                        id: string;
                        /** @enum {string} */
                        status: "validating" | "validated" | "processing" | "succeeded" | "failed" | "cancelled";
                        totals: {
                            files: number;
                            inserted: number;
                            invalid: number;
                            lines: number;
                            unchanged: number;
                            updated: number;
                            valid: number;
                        };
                        uploaded_by: {
                            email: string;
                            id: string;
                            name: string;
                        } | null;
                        uploaded_by_api_key: {
                            id: string;
                            name: string;
                            prefix: string;
                        } | null;
                        validated_at: string | null;
                        workflow_id: string | null;
                    };
                };
            };
        };
    };
    getV1IngestionRunsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        committed_at: string | null;
                        counts: {
                            [key: string]: {
                                files: number;
                                inserted: number;
                                invalid: number;
                                lines: number;
                                unchanged: number;
                                updated: number;
                                valid: number;
                            };
                        };
                        /** Format: date-time */
                        created_at: string;
                        error: string | null;
                        files: {
                            applied_at: string | null;
                            columns: {
                                [key: string]: unknown;
                            }[] | null;
                            content_sha256: string;
                            data_type: ("accounts" | "contacts" | "statements" | "invoices" | "adjustments" | "statement_items") | null;
                            encoding: ("utf-8" | "windows-1252" | "utf-16le" | "utf-16be") | null;
                            filename: string;
                            id: string;
                            inserted: number;
                            invalid_rows: number;
                            previously_applied: {
                                /** Format: date-time */
                                applied_at: string;
                                run_id: string;
                            } | null;
                            refusal: string | null;
                            size_bytes: number;
                            /** @enum {string} */
                            source: "csv" | "json";
                            status: string;
                            total_lines: number;
                            unchanged: number;
                            updated: number;
                            valid_rows: number;
                            validated_at: string | null;
                            warnings: string[] | null;
                        }[];
                        finished_at: string | null;
                        id: string;
                        /** @enum {string} */
                        status: "validating" | "validated" | "processing" | "succeeded" | "failed" | "cancelled";
                        totals: {
                            files: number;
                            inserted: number;
                            invalid: number;
                            lines: number;
                            unchanged: number;
                            updated: number;
                            valid: number;
                        };
                        uploaded_by: {
                            email: string;
                            id: string;
                            name: string;
                        } | null;
                        uploaded_by_api_key: {
                            id: string;
                            name: string;
                            prefix: string;
                        } | null;
                        validated_at: string | null;
                        workflow_id: string | null;
                    };
                };
            };
        };
    };
    postV1IngestionRunsByIdCancel: {
        parameters: {
            query?: never;
            header: {
                /** @description One per operation (8–200 of A-Z a-z 0-9 . _ : -). A retry with the same key and body gets the first answer; the same key with another body is refused (409 idempotency_key_reused). Kept 24 hours. */
                "Idempotency-Key": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        committed_at: string | null;
                        counts: {
                            [key: string]: {
                                files: number;
                                inserted: number;
                                invalid: number;
                                lines: number;
                                unchanged: number;
                                updated: number;
                                valid: number;
                            };
                        };
                        /** Format: date-time */
                        created_at: string;
                        error: string | null;
                        files: {
                            applied_at: string | null;
                            columns: {
                                [key: string]: unknown;
                            }[] | null;
                            content_sha256: string;
                            data_type: ("accounts" | "contacts" | "statements" | "invoices" | "adjustments" | "statement_items") | null;
                            encoding: ("utf-8" | "windows-1252" | "utf-16le" | "utf-16be") | null;
                            filename: string;
                            id: string;
                            inserted: number;
                            invalid_rows: number;
                            previously_applied: {
                                /** Format: date-time */
                                applied_at: string;
                                run_id: string;
                            } | null;
                            refusal: string | null;
                            size_bytes: number;
                            /** @enum {string} */
                            source: "csv" | "json";
                            status: string;
                            total_lines: number;
                            unchanged: number;
                            updated: number;
                            valid_rows: number;
                            validated_at: string | null;
                            warnings: string[] | null;
                        }[];
                        finished_at: string | null;
                        id: string;
                        /** @enum {string} */
                        status: "validating" | "validated" | "processing" | "succeeded" | "failed" | "cancelled";
                        totals: {
                            files: number;
                            inserted: number;
                            invalid: number;
                            lines: number;
                            unchanged: number;
                            updated: number;
                            valid: number;
                        };
                        uploaded_by: {
                            email: string;
                            id: string;
                            name: string;
                        } | null;
                        uploaded_by_api_key: {
                            id: string;
                            name: string;
                            prefix: string;
                        } | null;
                        validated_at: string | null;
                        workflow_id: string | null;
                    };
                };
            };
        };
    };
    postV1IngestionRunsByIdCommit: {
        parameters: {
            query?: never;
            header: {
                /** @description One per operation (8–200 of A-Z a-z 0-9 . _ : -). A retry with the same key and body gets the first answer; the same key with another body is refused (409 idempotency_key_reused). Kept 24 hours. */
                "Idempotency-Key": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        committed_at: string | null;
                        counts: {
                            [key: string]: {
                                files: number;
                                inserted: number;
                                invalid: number;
                                lines: number;
                                unchanged: number;
                                updated: number;
                                valid: number;
                            };
                        };
                        /** Format: date-time */
                        created_at: string;
                        error: string | null;
                        files: {
                            applied_at: string | null;
                            columns: {
                                [key: string]: unknown;
                            }[] | null;
                            content_sha256: string;
                            data_type: ("accounts" | "contacts" | "statements" | "invoices" | "adjustments" | "statement_items") | null;
                            encoding: ("utf-8" | "windows-1252" | "utf-16le" | "utf-16be") | null;
                            filename: string;
                            id: string;
                            inserted: number;
                            invalid_rows: number;
                            previously_applied: {
                                /** Format: date-time */
                                applied_at: string;
                                run_id: string;
                            } | null;
                            refusal: string | null;
                            size_bytes: number;
                            /** @enum {string} */
                            source: "csv" | "json";
                            status: string;
                            total_lines: number;
                            unchanged: number;
                            updated: number;
                            valid_rows: number;
                            validated_at: string | null;
                            warnings: string[] | null;
                        }[];
                        finished_at: string | null;
                        id: string;
                        /** @enum {string} */
                        status: "validating" | "validated" | "processing" | "succeeded" | "failed" | "cancelled";
                        totals: {
                            files: number;
                            inserted: number;
                            invalid: number;
                            lines: number;
                            unchanged: number;
                            updated: number;
                            valid: number;
                        };
                        uploaded_by: {
                            email: string;
                            id: string;
                            name: string;
                        } | null;
                        uploaded_by_api_key: {
                            id: string;
                            name: string;
                            prefix: string;
                        } | null;
                        validated_at: string | null;
                        workflow_id: string | null;
                    };
                };
            };
        };
    };
    getV1IngestionRunsByIdErrors: {
        parameters: {
            query?: {
                /** @description Only rows with an error in this column */
                column?: string;
                data_type?: "accounts" | "contacts" | "statements" | "invoices" | "adjustments" | "statement_items";
                file_id?: string;
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                /** @description The next_cursor of the previous page */
                starting_after?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @enum {string} */
                            data_type: "accounts" | "contacts" | "statements" | "invoices" | "adjustments" | "statement_items";
                            /** @description One per faulty column (the field, for a JSON batch); column null for a fault of the whole row */
                            errors: {
                                column: string | null;
                                message: string;
                            }[];
                            file_id: string;
                            filename: string;
                            id: string;
                            /** @description For rows of a JSON batch: the index of the row in its file's `rows` (row_number − 2); null for a CSV file */
                            row_index: number | null;
                            /** @description The row as a spreadsheet shows it: the header is row 1, the first data row is row 2 */
                            row_number: number;
                            /** @enum {string} */
                            source: "csv" | "json";
                            /** @description The row as written, by column header (field name for a JSON batch) */
                            values: {
                                [key: string]: string;
                            };
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    getV1Invoices: {
        parameters: {
            query?: {
                customer_id?: string;
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                /** @description The next_cursor of the previous page */
                starting_after?: string;
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            amount_cents: number;
                            balance_cents: number;
                            customer_account_id: string;
                            customer_name: string;
                            days_past_due: number;
                            due_date: string | null;
                            erp_account_id: string;
                            erp_job_id: string | null;
                            id: string;
                            invoice_date: string | null;
                            invoice_number: string;
                            job_id: string | null;
                            job_name: string | null;
                            po_number: string | null;
                            reserved_cents: number;
                            statement_id: string | null;
                            /** @enum {string} */
                            status: "open" | "partially_paid" | "paid" | "void";
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    getV1InvoicesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        amount_cents: number;
                        balance_cents: number;
                        /** Format: date-time */
                        created_at: string;
                        customer_account_id: string;
                        customer_name: string;
                        days_past_due: number;
                        due_date: string | null;
                        erp_account_id: string;
                        erp_job_id: string | null;
                        id: string;
                        invoice_date: string | null;
                        invoice_number: string;
                        job_id: string | null;
                        job_name: string | null;
                        payments: {
                            amount_cents: number;
                            id: number;
                            item_type: string;
                            /** @enum {string} */
                            method: "ach" | "card";
                            payment_id: string;
                            payment_number: string;
                            /** @enum {string} */
                            payment_status: "pending" | "settled" | "frozen" | "terminated" | "failed" | "returned" | "disputed" | "refunded" | "charged_back";
                            state: string;
                            /** Format: date-time */
                            submitted_at: string;
                        }[];
                        po_number: string | null;
                        reserved_cents: number;
                        statement_id: string | null;
                        statement_number: string | null;
                        /** @enum {string} */
                        status: "open" | "partially_paid" | "paid" | "void";
                        /** Format: date-time */
                        updated_at: string;
                    };
                };
            };
        };
    };
    getV1InvoicesByIdDocuments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        documents: {
                            content_type: string;
                            /** @description YYYY-MM-DD */
                            delivered_on: string | null;
                            file_name: string;
                            /** @description Spruce's document id for a Spruce dealer, our id for an uploaded one */
                            id: string;
                            /** @description Our invoice id */
                            invoice_id: string;
                            /** @enum {string} */
                            kind: "invoice_copy" | "delivery_ticket";
                            signed_by: string | null;
                            size_bytes: number;
                            /** @enum {string} */
                            source: "spruce" | "upload";
                            ticket_number: string | null;
                            /** @description When it was uploaded (uploads only) */
                            uploaded_at: string | null;
                        }[];
                    };
                };
            };
        };
    };
    postV1InvoicesByIdDocuments: {
        parameters: {
            query?: never;
            header: {
                /** @description One per operation (8–200 of A-Z a-z 0-9 . _ : -). A retry with the same key and body gets the first answer; the same key with another body is refused (409 idempotency_key_reused). Kept 24 hours. */
                "Idempotency-Key": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: date */
                    delivered_on?: string;
                    /**
                     * Format: binary
                     * @description One PDF, PNG or JPEG file, at most 10 MB (application/pdf, image/png, image/jpeg)
                     */
                    file: string;
                    /** @enum {string} */
                    kind: "invoice_copy" | "delivery_ticket";
                    signed_by?: string;
                    ticket_number?: string;
                };
            };
        };
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        content_type: string;
                        /** @description YYYY-MM-DD */
                        delivered_on: string | null;
                        file_name: string;
                        /** @description Spruce's document id for a Spruce dealer, our id for an uploaded one */
                        id: string;
                        /** @description Our invoice id */
                        invoice_id: string;
                        /** @enum {string} */
                        kind: "invoice_copy" | "delivery_ticket";
                        signed_by: string | null;
                        size_bytes: number;
                        /** @enum {string} */
                        source: "spruce" | "upload";
                        ticket_number: string | null;
                        /** @description When it was uploaded (uploads only) */
                        uploaded_at: string | null;
                    };
                };
            };
        };
    };
    getV1InvoicesByIdDocumentsByDocumentId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                documentId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description The document's bytes as kept: application/pdf, image/png or image/jpeg */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/pdf": string;
                };
            };
        };
    };
    getV1Payments: {
        parameters: {
            query?: {
                customer_id?: string;
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                method?: "ach" | "card";
                settlement_id?: string;
                /** @description The next_cursor of the previous page */
                starting_after?: string;
                status?: string;
                /** @description First day submitted, in the dealer's time zone */
                submitted_from?: string;
                /** @description Last day submitted, in the dealer's time zone */
                submitted_to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            account_name: string;
                            amount_cents: number;
                            card_funding: string | null;
                            credits_cents: number;
                            customer_account_id: string;
                            decision_at: string | null;
                            decision_by: string | null;
                            decision_note: string | null;
                            decision_outcome: ("contacted_customer" | "paying_another_way" | "resubmitted" | "written_off" | "no_action_needed") | null;
                            discount_cents: number;
                            erp_account_id: string;
                            failure_reason: string | null;
                            fee_cents: number;
                            hold_reason: string | null;
                            id: string;
                            items_cents: number;
                            /** @enum {string} */
                            method: "ach" | "card";
                            method_label: string | null;
                            method_last4: string | null;
                            moov_status: string | null;
                            moov_transfer_id: string | null;
                            needs_decision: boolean;
                            needs_investigation: boolean;
                            number: string;
                            on_account_cents: number;
                            paid_elsewhere_cents: number;
                            payer: string;
                            processing_cost_cents: number | null;
                            return_code: string | null;
                            returned_at: string | null;
                            settled_at: string | null;
                            settlement_id: string | null;
                            /** @enum {string} */
                            status: "pending" | "settled" | "frozen" | "terminated" | "failed" | "returned" | "disputed" | "refunded" | "charged_back";
                            /** Format: date-time */
                            submitted_at: string;
                            workflow_id: string;
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    getV1PaymentsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account_name: string;
                        amount_cents: number;
                        applications: {
                            amountCents: number;
                            appliedToInvoiceNumber: string | null;
                            documentId: string | null;
                            documentNumber: string | null;
                            id: number;
                            reversedCents: number;
                            state: string;
                            /** @enum {string} */
                            type: "invoice" | "debit" | "credit" | "discount" | "terms_discount" | "unapplied";
                        }[];
                        card_funding: string | null;
                        credits_cents: number;
                        customer_account_id: string;
                        decision_at: string | null;
                        decision_by: string | null;
                        decision_note: string | null;
                        decision_outcome: ("contacted_customer" | "paying_another_way" | "resubmitted" | "written_off" | "no_action_needed") | null;
                        discount_cents: number;
                        erp_account_id: string;
                        failure_reason: string | null;
                        fee_cents: number;
                        hold_reason: string | null;
                        id: string;
                        items_cents: number;
                        /** @enum {string} */
                        method: "ach" | "card";
                        method_label: string | null;
                        method_last4: string | null;
                        moov_status: string | null;
                        moov_transfer_id: string | null;
                        needs_decision: boolean;
                        needs_investigation: boolean;
                        number: string;
                        on_account_cents: number;
                        paid_elsewhere_cents: number;
                        payer: string;
                        processing_cost_cents: number | null;
                        return_code: string | null;
                        returned_at: string | null;
                        reversed_cents: number;
                        settled_at: string | null;
                        settlement_id: string | null;
                        /** @enum {string} */
                        status: "pending" | "settled" | "frozen" | "terminated" | "failed" | "returned" | "disputed" | "refunded" | "charged_back";
                        /** Format: date-time */
                        submitted_at: string;
                        timeline: {
                            actor_id: string | null;
                            actor_kind: string;
                            actor_name: string | null;
                            /** Format: date-time */
                            at: string;
                            event: string;
                            from_status: string | null;
                            reason: string | null;
                            to_status: string;
                        }[];
                        workflow_id: string;
                    };
                };
            };
        };
    };
    getV1Settlements: {
        parameters: {
            query?: {
                business_date_from?: string;
                business_date_to?: string;
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                /** @description The next_cursor of the previous page */
                starting_after?: string;
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date */
                            business_date: string;
                            categories: {
                                credit_adjustments: {
                                    amount_cents: number;
                                    line_count: number;
                                    post_method: ("auto" | "manual") | null;
                                    posted_at: string | null;
                                    posted_by: string | null;
                                    posted_by_name: string | null;
                                    /** @enum {string} */
                                    status: "empty" | "unposted" | "posting" | "posted";
                                } | null;
                                debit_adjustments: {
                                    amount_cents: number;
                                    line_count: number;
                                    post_method: ("auto" | "manual") | null;
                                    posted_at: string | null;
                                    posted_by: string | null;
                                    posted_by_name: string | null;
                                    /** @enum {string} */
                                    status: "empty" | "unposted" | "posting" | "posted";
                                } | null;
                                invoices: {
                                    amount_cents: number;
                                    line_count: number;
                                    post_method: ("auto" | "manual") | null;
                                    posted_at: string | null;
                                    posted_by: string | null;
                                    posted_by_name: string | null;
                                    /** @enum {string} */
                                    status: "empty" | "unposted" | "posting" | "posted";
                                } | null;
                            };
                            closed_at: string | null;
                            /** Format: date-time */
                            closes_at: string;
                            /** Format: date-time */
                            created_at: string;
                            fee_cents: number;
                            gross_cents: number;
                            id: string;
                            net_cents: number;
                            number: string;
                            payment_count: number;
                            resolved_at: string | null;
                            resolved_by: string | null;
                            resolved_by_name: string | null;
                            sequence: number;
                            /** @enum {string} */
                            status: "open" | "ready" | "partially_posted" | "posted" | "resolved";
                            workflow_id: string;
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    getV1SettlementsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date */
                        business_date: string;
                        categories: {
                            credit_adjustments: {
                                amount_cents: number;
                                line_count: number;
                                post_method: ("auto" | "manual") | null;
                                posted_at: string | null;
                                posted_by: string | null;
                                posted_by_name: string | null;
                                /** @enum {string} */
                                status: "empty" | "unposted" | "posting" | "posted";
                            } | null;
                            debit_adjustments: {
                                amount_cents: number;
                                line_count: number;
                                post_method: ("auto" | "manual") | null;
                                posted_at: string | null;
                                posted_by: string | null;
                                posted_by_name: string | null;
                                /** @enum {string} */
                                status: "empty" | "unposted" | "posting" | "posted";
                            } | null;
                            invoices: {
                                amount_cents: number;
                                line_count: number;
                                post_method: ("auto" | "manual") | null;
                                posted_at: string | null;
                                posted_by: string | null;
                                posted_by_name: string | null;
                                /** @enum {string} */
                                status: "empty" | "unposted" | "posting" | "posted";
                            } | null;
                        };
                        closed_at: string | null;
                        /** Format: date-time */
                        closes_at: string;
                        /** Format: date-time */
                        created_at: string;
                        fee_cents: number;
                        gross_cents: number;
                        id: string;
                        line_counts: {
                            /** @enum {string} */
                            category: "invoices" | "credit_adjustments" | "debit_adjustments";
                            pending: number;
                            posted: number;
                            rejected: number;
                            total: number;
                        }[];
                        line_total: number;
                        lines: {
                            amount_cents: number;
                            applied_document_id: string | null;
                            /** @enum {string} */
                            category: "invoices" | "credit_adjustments" | "debit_adjustments";
                            document_id: string | null;
                            document_type: string;
                            erp_account_id: string;
                            erp_job_id: string | null;
                            erp_posting_id: string | null;
                            gl_account: string | null;
                            id: string;
                            idempotency_key: string;
                            /** @enum {string} */
                            line_type: "invoice_payment" | "credit_application" | "debit_payment" | "statement_discount" | "terms_discount" | "unapplied_cash" | "unapplied_cash_application" | "reversal";
                            payment_id: string;
                            payment_number: string;
                            posted_at: string | null;
                            rejected_reason: string | null;
                            reverses_line_id: string | null;
                            /** @enum {string} */
                            status: "pending" | "posted" | "rejected";
                        }[];
                        net_cents: number;
                        number: string;
                        payment_count: number;
                        payments: {
                            account_name: string;
                            amount_cents: number;
                            credits_cents: number;
                            customer_account_id: string;
                            discount_cents: number;
                            erp_account_id: string;
                            fee_cents: number;
                            id: string;
                            items_cents: number;
                            member: boolean;
                            /** @enum {string} */
                            method: "ach" | "card";
                            moov_transfer_id: string | null;
                            number: string;
                            processing_cost_cents: number | null;
                            returned_at: string | null;
                            reversed_here: boolean;
                            settled_at: string | null;
                            status: string;
                            /** Format: date-time */
                            submitted_at: string;
                        }[];
                        resolved_at: string | null;
                        resolved_by: string | null;
                        resolved_by_name: string | null;
                        returned_cents: number;
                        sequence: number;
                        /** @enum {string} */
                        status: "open" | "ready" | "partially_posted" | "posted" | "resolved";
                        workflow_id: string;
                    };
                };
            };
        };
    };
    postV1SettlementsByIdClose: {
        parameters: {
            query?: never;
            header: {
                /** @description One per operation (8–200 of A-Z a-z 0-9 . _ : -). A retry with the same key and body gets the first answer; the same key with another body is refused (409 idempotency_key_reused). Kept 24 hours. */
                "Idempotency-Key": string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date */
                        business_date: string;
                        categories: {
                            credit_adjustments: {
                                amount_cents: number;
                                line_count: number;
                                post_method: ("auto" | "manual") | null;
                                posted_at: string | null;
                                posted_by: string | null;
                                posted_by_name: string | null;
                                /** @enum {string} */
                                status: "empty" | "unposted" | "posting" | "posted";
                            } | null;
                            debit_adjustments: {
                                amount_cents: number;
                                line_count: number;
                                post_method: ("auto" | "manual") | null;
                                posted_at: string | null;
                                posted_by: string | null;
                                posted_by_name: string | null;
                                /** @enum {string} */
                                status: "empty" | "unposted" | "posting" | "posted";
                            } | null;
                            invoices: {
                                amount_cents: number;
                                line_count: number;
                                post_method: ("auto" | "manual") | null;
                                posted_at: string | null;
                                posted_by: string | null;
                                posted_by_name: string | null;
                                /** @enum {string} */
                                status: "empty" | "unposted" | "posting" | "posted";
                            } | null;
                        };
                        closed_at: string | null;
                        /** Format: date-time */
                        closes_at: string;
                        /** Format: date-time */
                        created_at: string;
                        fee_cents: number;
                        gross_cents: number;
                        id: string;
                        line_counts: {
                            /** @enum {string} */
                            category: "invoices" | "credit_adjustments" | "debit_adjustments";
                            pending: number;
                            posted: number;
                            rejected: number;
                            total: number;
                        }[];
                        line_total: number;
                        lines: {
                            amount_cents: number;
                            applied_document_id: string | null;
                            /** @enum {string} */
                            category: "invoices" | "credit_adjustments" | "debit_adjustments";
                            document_id: string | null;
                            document_type: string;
                            erp_account_id: string;
                            erp_job_id: string | null;
                            erp_posting_id: string | null;
                            gl_account: string | null;
                            id: string;
                            idempotency_key: string;
                            /** @enum {string} */
                            line_type: "invoice_payment" | "credit_application" | "debit_payment" | "statement_discount" | "terms_discount" | "unapplied_cash" | "unapplied_cash_application" | "reversal";
                            payment_id: string;
                            payment_number: string;
                            posted_at: string | null;
                            rejected_reason: string | null;
                            reverses_line_id: string | null;
                            /** @enum {string} */
                            status: "pending" | "posted" | "rejected";
                        }[];
                        net_cents: number;
                        number: string;
                        payment_count: number;
                        payments: {
                            account_name: string;
                            amount_cents: number;
                            credits_cents: number;
                            customer_account_id: string;
                            discount_cents: number;
                            erp_account_id: string;
                            fee_cents: number;
                            id: string;
                            items_cents: number;
                            member: boolean;
                            /** @enum {string} */
                            method: "ach" | "card";
                            moov_transfer_id: string | null;
                            number: string;
                            processing_cost_cents: number | null;
                            returned_at: string | null;
                            reversed_here: boolean;
                            settled_at: string | null;
                            status: string;
                            /** Format: date-time */
                            submitted_at: string;
                        }[];
                        resolved_at: string | null;
                        resolved_by: string | null;
                        resolved_by_name: string | null;
                        returned_cents: number;
                        sequence: number;
                        /** @enum {string} */
                        status: "open" | "ready" | "partially_posted" | "posted" | "resolved";
                        workflow_id: string;
                    };
                };
            };
        };
    };
    getV1SettlementsByIdPostingFileCsv: {
        parameters: {
            query?: {
                /** @description unposted (default): only lines not yet posted; all: every line */
                lines?: "unposted" | "all";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description One row per GL line, in posting order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
        };
    };
    getV1Statements: {
        parameters: {
            query?: {
                customer_id?: string;
                /** @description Rows per page, 1–200 (default 50) */
                limit?: number;
                /** @description The next_cursor of the previous page */
                starting_after?: string;
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            balance_cents: number;
                            customer_account_id: string;
                            customer_name: string;
                            discount_cents: number;
                            discount_date: string | null;
                            due_date: string | null;
                            erp_account_id: string;
                            id: string;
                            /** Format: date */
                            statement_date: string;
                            statement_number: string;
                            /** @enum {string} */
                            status: "open" | "paid" | "closed";
                        }[];
                        has_more: boolean;
                        next_cursor: string | null;
                    };
                };
            };
        };
    };
    getV1StatementsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": components["responses"]["Refusal"];
            "5XX": components["responses"]["Refusal"];
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        balance_cents: number;
                        customer_account_id: string;
                        customer_name: string;
                        discount_cents: number;
                        discount_date: string | null;
                        due_date: string | null;
                        erp_account_id: string;
                        id: string;
                        items: {
                            adjustment_id: string | null;
                            amount_cents: number;
                            document_number: string | null;
                            due_date: string | null;
                            id: number;
                            invoice_id: string | null;
                            item_type: string;
                        }[];
                        /** Format: date */
                        statement_date: string;
                        statement_number: string;
                        /** @enum {string} */
                        status: "open" | "paid" | "closed";
                    };
                };
            };
        };
    };
}
