/**
 * Generated from the backend's OpenAPI schema by `npm run gen:api`
 * (client/scripts/openapi.py -> openapi-typescript). Do not edit by hand.
 */

export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health */
        get: operations["health_api_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Session */
        get: operations["get_session_api_session_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Settings */
        get: operations["get_settings_api_settings_get"];
        put?: never;
        /** Update Settings */
        post: operations["update_settings_api_settings_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Queue */
        get: operations["get_queue_api_queue_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/items/{item}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Item
         * @description One photo: queued (relative to source) or filed (`cluster/name`, relative to dest).
         */
        get: operations["get_item_api_items__item__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/image/{item}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Image
         * @description `item` is relative to the source for queued photos, or `cluster/name` (relative to dest)
         *     for filed ones; `root` picks explicitly (`trash` for trashed photos).
         */
        get: operations["get_image_api_image__item__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Assign
         * @description File a queued photo into a cluster (the file moves). `create` makes a new cluster.
         */
        post: operations["assign_api_assign_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete
         * @description Move a queued photo to `.clustering/trash/` (restorable with undo).
         */
        post: operations["delete_api_delete_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/skip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Skip
         * @description Send a queued photo to the end of the queue.
         */
        post: operations["skip_api_skip_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/shuffle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Shuffle
         * @description Reorder the queue; the same seed always gives the same order.
         */
        post: operations["shuffle_api_shuffle_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/undo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Undo
         * @description Undo one action (`seq`, default the newest not yet undone) or a whole `batch`.
         */
        post: operations["undo_api_undo_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/clusters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create Cluster
         * @description Create an empty cluster folder.
         */
        post: operations["create_cluster_api_clusters_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/viewing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Viewing
         * @description Tell the server which photo this reviewer has on screen: auto-move leaves it alone.
         */
        post: operations["viewing_api_viewing_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Actions
         * @description The journal, oldest first (newest last).
         */
        get: operations["actions_api_actions_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auto-move/estimate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Estimate
         * @description How many queued photos would move at this threshold, the estimated precision, the
         *     recommended threshold for the target precision, and a histogram of top scores.
         */
        get: operations["estimate_api_auto_move_estimate_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auto-move": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Auto Move
         * @description File every queued photo that clears the rule, over the whole queue, as one batch.
         *     `dry_run` returns exactly what a real run would move without touching a file. Moves that
         *     fail are listed under `failed`; when none moved, the answer is 409 (507: disk full).
         */
        post: operations["auto_move_api_auto_move_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/grid": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cluster Grid
         * @description The queued photos whose first suggestion is `cluster` (default: the first suggestion
         *     of `item`) and whose calibrated probability of being right is above the break-even, most
         *     confident first; `left` counts the others. `everything=true` shows those too, after.
         */
        get: operations["cluster_grid_api_grid_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/grid/similar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Similar
         * @description More like this: the queued photos nearest to `item`'s own vector, itself first.
         */
        get: operations["similar_api_grid_similar_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/grid/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search
         * @description Text search (CLIP): the queued photos ranked by the text tower against `text`. 409 with
         *     the reason when the active embedder has no text tower.
         */
        get: operations["search_api_grid_search_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/discover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Discover
         * @description Queued photos that match no cluster well (all of them when there is no cluster yet),
         *     grouped by average-linkage clustering; name a group with `POST /api/grid/file` (mode
         *     `discover`, `create: true`). Each group shows the members whose calibrated probability
         *     of belonging is above the break-even, most likely first; `left` counts the others (a
         *     group with fewer than two above is left whole). `everything=true` shows them all.
         */
        get: operations["discover_api_discover_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/grid/file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * File Grid
         * @description File the ticked photos into `cluster` as one manual batch (`mode` says which grid);
         *     in a cluster's grid the unticked photos stay queued with the cluster demoted for them.
         *     A photo filed meanwhile by another reviewer is skipped, never filed twice; a move that
         *     fails is listed under `failed` with the reason, and when none moved the answer is 409
         *     (507 when the disk is full) with every photo and reason.
         */
        post: operations["file_grid_api_grid_file_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/order": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Order
         * @description Reorder the queue: uncertain first (one-by-one review where the model is unsure, grids
         *     for the rest) or natural. Undo restores the order before.
         */
        post: operations["order_api_order_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/source-folders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Source Folders
         * @description With `--into DEST`: the source's folders that directly hold queued photos, each offered
         *     as the cluster of the same path. Empty when dest is the source.
         */
        get: operations["source_folders_api_source_folders_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/source-folders/file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * File Source Folders
         * @description File every queued photo of each folder into the same-named cluster (made when missing;
         *     copied in copy mode) as ONE batch, undone as one unit. A move that fails is listed under
         *     `failed`; when none moved, the answer is 409 `moves_failed` (507 on a full disk).
         */
        post: operations["file_source_folders_api_source_folders_file_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stacks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stacks
         * @description The stacks of the queue: frames taken within `gap_s` of each other whose vectors are
         *     near-identical. Empty (with a note) when suggestions are off.
         */
        get: operations["stacks_api_stacks_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stacks/file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * File Stack
         * @description File a stack's frames into `cluster` as one batch (one undo brings them all back).
         *     A frame filed meanwhile by another reviewer is skipped, never filed twice; a frame whose
         *     move fails is listed under `failed`, and when none moved the answer is 409 `moves_failed`
         *     (507 when the disk is full).
         */
        post: operations["file_stack_api_stacks_file_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stacks/pull": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pull From Stack
         * @description Take a frame out of its stack: it is queued and filed on its own from now on (journaled,
         *     so every tab and a restart agree).
         */
        post: operations["pull_from_stack_api_stacks_pull_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/duplicates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Duplicates
         * @description Exact duplicates (same bytes) and near duplicates anywhere in the queue, exact first,
         *     each with its best photo (largest resolution, then sharpest) first.
         */
        get: operations["duplicates_api_duplicates_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/duplicates/keep-best": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Keep Best
         * @description Keep the best of one duplicate group and move the others to the session's trash, as one
         *     batch: one undo brings every file back.
         */
        post: operations["keep_best_api_duplicates_keep_best_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Events
         * @description `text/event-stream`: `hello`, then `action` (any reviewer's action, with the journal
         *     line and stats), `queue-changed`, `indexing`, `batch-progress`, `batch-done`. The SSE
         *     event name is the payload's `type`; `data` is the JSON of a `LiveEvent`.
         */
        get: operations["events_api_events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/video/{item}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Video
         * @description The original bytes of a video, with its content type; `Range` gets a 206 with
         *     `Content-Range`. `item` and `root` are read as for `/api/image`.
         */
        get: operations["get_video_api_video__item__get"];
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
        /**
         * AbortRecord
         * @description The file operation of line `aborts` did not happen: its effect is taken back.
         */
        AbortRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "abort";
            /** Aborts */
            aborts: number;
            /** Reason */
            reason: string;
            /** Errno */
            errno?: number | null;
        } & {
            [key: string]: unknown;
        };
        /** ActionEvent */
        ActionEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "action";
            /** @description The journal line any reviewer just wrote. */
            record: components["schemas"]["ActionRecord"];
            stats: components["schemas"]["Stats"];
        };
        /**
         * ActionRecord
         * @description One journal line, tagged by `type`; fields a newer photosort adds are kept.
         */
        ActionRecord: components["schemas"]["MoveRecord"] | components["schemas"]["UndoRecord"] | components["schemas"]["AbortRecord"] | components["schemas"]["ClusterCreateRecord"] | components["schemas"]["SkipRecord"] | components["schemas"]["ShuffleRecord"] | components["schemas"]["OrderRecord"] | components["schemas"]["SettingsRecord"] | components["schemas"]["StackPullRecord"] | components["schemas"]["RecoveryRecord"] | components["schemas"]["AutoBatchStartRecord"] | components["schemas"]["GridBatchStartRecord"] | components["schemas"]["TrashBatchStartRecord"] | components["schemas"]["FoldersBatchStartRecord"] | components["schemas"]["AutoBatchEndRecord"] | components["schemas"]["BatchEndRecord"];
        /** ActionResult */
        ActionResult: {
            /** Records */
            records: components["schemas"]["ActionRecord"][];
            stats: components["schemas"]["Stats"];
            /** @description Only for an undo: what it took back, counted. */
            undone?: components["schemas"]["UndoneCount"] | null;
        };
        /** ActionsPage */
        ActionsPage: {
            /** Records */
            records: components["schemas"]["ActionRecord"][];
            /** Last Seq */
            last_seq: number;
            /**
             * Undone
             * @description Seqs among `records` that were undone since.
             */
            undone: number[];
        };
        /** AssignRequest */
        AssignRequest: {
            /** Item */
            item: string;
            /** Cluster */
            cluster: string;
            /**
             * Create
             * @description Create the cluster when it does not exist.
             * @default false
             */
            create: boolean;
            /** Reviewer */
            reviewer?: string | null;
        };
        /**
         * AutoBatchEndRecord
         * @description An auto-move batch closes: moved, and failed.
         */
        AutoBatchEndRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "auto-batch-end";
            /** Batch */
            batch: string;
            /** Moved */
            moved: number;
            /** Failed */
            failed?: number;
        } & {
            [key: string]: unknown;
        };
        /**
         * AutoBatchStartRecord
         * @description An auto-move batch opens, with the rule it files by.
         */
        AutoBatchStartRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "auto-batch-start";
            /** Batch */
            batch: string;
            /** Reviewer */
            reviewer?: string;
            /** Threshold */
            threshold?: number;
            /** Min Samples */
            min_samples?: number;
            /** Min Margin */
            min_margin?: number;
            /** Count */
            count?: number;
            /** Estimated Precision */
            estimated_precision?: number | null;
        } & {
            [key: string]: unknown;
        };
        /** AutoMoveEstimate */
        AutoMoveEstimate: {
            /** Threshold */
            threshold: number;
            /** Min Samples */
            min_samples: number;
            /** Min Margin */
            min_margin: number;
            /**
             * Count
             * @description Queued photos that would move at this threshold.
             */
            count: number;
            /** Estimated Precision */
            estimated_precision: number | null;
            /**
             * Precision Bound
             * @description Lower bound on this rule's precision at confidence_level (this one rule, as if fixed in advance); null without evidence at this threshold.
             */
            precision_bound: number | null;
            /** Decisions */
            decisions: number;
            /**
             * Recommended Threshold
             * @description Threshold of the recommended rule: its precision reaches target_precision with probability confidence_level, over the whole search of thresholds and margins (Learn-then-Test); null while the evidence cannot support it.
             */
            recommended_threshold: number | null;
            /**
             * Recommended Min Margin
             * @description Minimum margin of the recommended rule (used with its threshold).
             */
            recommended_min_margin: number | null;
            /**
             * Recommended Support
             * @description Reviewed decisions the recommended rule covers.
             */
            recommended_support: number | null;
            /**
             * Confidence Level
             * @description Confidence of the guarantee, e.g. 0.9.
             */
            confidence_level: number;
            /**
             * Evidence Needed
             * @description Reviewed decisions, all right, a rule must cover before it can be guaranteed at target_precision.
             */
            evidence_needed: number;
            /** Target Precision */
            target_precision: number;
            /** Enough Evidence */
            enough_evidence: boolean;
            /**
             * Guaranteed
             * @description This rule is the recommended one or stricter (threshold and margin): its precision is guaranteed at confidence_level. False: its precision is unproven.
             */
            guaranteed: boolean;
            /** Message */
            message: string;
            /** @description Top scores of the queued photos. */
            histogram: components["schemas"]["Histogram"];
            /**
             * Skipped Viewing
             * @description Photos that clear the rule but stay: a reviewer has them on screen.
             */
            skipped_viewing: number;
        };
        /** AutoMoveItem */
        AutoMoveItem: {
            /** Item */
            item: string;
            /** Cluster */
            cluster: string;
            /** Score */
            score: number;
            /** Margin */
            margin: number;
        };
        /** AutoMoveRequest */
        AutoMoveRequest: {
            /**
             * Threshold
             * @description Null: the recommended threshold.
             */
            threshold?: number | null;
            /** Min Samples */
            min_samples?: number | null;
            /** Min Margin */
            min_margin?: number | null;
            /**
             * Dry Run
             * @description Only say what would move.
             * @default true
             */
            dry_run: boolean;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** AutoMoveResult */
        AutoMoveResult: {
            /**
             * Batch
             * @description Batch id (null for a dry run); undo it as one unit.
             */
            batch: string | null;
            /** Dry Run */
            dry_run: boolean;
            /** Count */
            count: number;
            /** Per Cluster */
            per_cluster: {
                [key: string]: number;
            };
            /** Items */
            items: components["schemas"]["AutoMoveItem"][];
            /** Threshold */
            threshold: number;
            /** Min Samples */
            min_samples: number;
            /** Min Margin */
            min_margin: number;
            /** Estimated Precision */
            estimated_precision: number | null;
            /**
             * Decisions
             * @description Reviewed decisions the precision estimate rests on.
             */
            decisions: number;
            /**
             * Skipped Viewing
             * @description Items left alone because a reviewer has them open.
             */
            skipped_viewing: number;
            /**
             * Failed
             * @description Moves that failed, each with the reason; those photos stay queued.
             */
            failed: components["schemas"]["FailedItem"][];
        };
        /** BatchDoneEvent */
        BatchDoneEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "batch-done";
            /** Batch */
            batch: string;
            /** Count */
            count: number;
            stats: components["schemas"]["Stats"];
        };
        /**
         * BatchEndRecord
         * @description A grid, duplicates or folders batch closes: moved, and skipped (filed meanwhile).
         */
        BatchEndRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "folders-batch-end" | "grid-batch-end" | "trash-batch-end";
            /** Batch */
            batch: string;
            /** Moved */
            moved: number;
            /** Skipped */
            skipped?: number;
            /** Failed */
            failed?: number;
        } & {
            [key: string]: unknown;
        };
        /** BatchProgressEvent */
        BatchProgressEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "batch-progress";
            /** Batch */
            batch: string;
            /** Done */
            done: number;
            /** Total */
            total: number;
        };
        /**
         * ClusterCreateRecord
         * @description A cluster folder made (or adopted when it `existed`).
         */
        ClusterCreateRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "cluster-create";
            /** Cluster */
            cluster: string;
            /** Reviewer */
            reviewer?: string;
            /** Existed */
            existed?: boolean;
            /**
             * Made
             * @description Parent folders made with it (undo removes).
             */
            made?: string[];
            /** Batch */
            batch?: string;
        } & {
            [key: string]: unknown;
        };
        /** ClusterCreateRequest */
        ClusterCreateRequest: {
            /**
             * Name
             * @description The cluster's path under dest (`Trips/Rome`); missing folders are made.
             */
            name: string;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** ClusterInfo */
        ClusterInfo: {
            /**
             * Name
             * @description The cluster folder's `/`-separated path under dest (`Trips/2023/Paris`).
             */
            name: string;
            /**
             * Count
             * @description Photos directly in the cluster folder.
             */
            count: number;
            /**
             * Slot
             * @description Stable hotkey slot 1-9 (pinned by settings `slots`, else found on disk by path, then by creation order), or null past nine.
             */
            slot: number | null;
        };
        /** Companion */
        Companion: {
            /** Src */
            src: string;
            /** Dst */
            dst: string;
        } & {
            [key: string]: unknown;
        };
        /** DiscoveryGroup */
        DiscoveryGroup: {
            /** Id */
            id: number;
            /**
             * Size
             * @description Members of the group, shown or left.
             */
            size: number;
            /**
             * Items
             * @description Most likely to belong first.
             */
            items: components["schemas"]["GridItem"][];
            /**
             * Name
             * @description A proposed name; null when none can be proposed.
             */
            name: string | null;
            /**
             * Left
             * @description Members whose probability of belonging is not above the break-even, left for one by one (shown too with `everything=true`).
             */
            left: number;
        };
        /** DiscoveryPage */
        DiscoveryPage: {
            /**
             * Groups
             * @description Biggest first.
             */
            groups: components["schemas"]["DiscoveryGroup"][];
            /**
             * Candidates
             * @description Queued photos that match no cluster well.
             */
            candidates: number;
            /**
             * Cold Start
             * @description No cluster exists yet.
             */
            cold_start: boolean;
            /**
             * Left
             * @description Members of the proposed groups left for one by one, all told (a group with fewer than two members above the break-even is not listed: all its members count here).
             */
            left: number;
            /**
             * Break Even
             * @description The probability of belonging above which a member is shown.
             */
            break_even: number;
        };
        /** DuplicateCandidate */
        DuplicateCandidate: {
            /** Item */
            item: string;
            /** Width */
            width: number | null;
            /** Height */
            height: number | null;
            /**
             * Sharpness
             * @description Variance of the Laplacian of the thumbnail.
             */
            sharpness: number | null;
            /** Size Bytes */
            size_bytes: number;
        };
        /** DuplicateGroupInfo */
        DuplicateGroupInfo: {
            /**
             * Kind
             * @description exact: the same bytes; near: the same picture (difference hash and vector).
             * @enum {string}
             */
            kind: "exact" | "near";
            /**
             * Best
             * @description Largest resolution, then sharpest: the one kept.
             */
            best: string;
            /**
             * Items
             * @description Best first.
             */
            items: components["schemas"]["DuplicateCandidate"][];
        };
        /** DuplicatesPage */
        DuplicatesPage: {
            /** Groups */
            groups: components["schemas"]["DuplicateGroupInfo"][];
            /**
             * Total
             * @description Groups in the queue; the page may show fewer.
             */
            total: number;
            /** Note */
            note?: string | null;
        };
        /** EmbedderInfo */
        EmbedderInfo: {
            /**
             * Id
             * @description Embedder id (model + revision + preprocessing).
             */
            id: string | null;
            /**
             * Kind
             * @description `clip`, `efficientnet-lite0`, or `none`.
             */
            kind: string;
            /** Device */
            device: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "loading" | "ready" | "unavailable" | "disabled";
            /**
             * Reason
             * @description Why this embedder is active, in one sentence.
             */
            reason: string;
        };
        /** ErrorBody */
        ErrorBody: {
            /**
             * Code
             * @description Stable machine-readable code, e.g. `not_queued`.
             */
            code: string;
            /**
             * Message
             * @description Human-readable explanation.
             */
            message: string;
            /**
             * Failed
             * @description `moves_failed`: every photo the action tried to move, with the reason.
             */
            failed?: components["schemas"]["FailedItem"][] | null;
        };
        /** ErrorResponse */
        ErrorResponse: {
            error: components["schemas"]["ErrorBody"];
        };
        /** FailedItem */
        FailedItem: {
            /** Item */
            item: string;
            /**
             * Reason
             * @description Why its move failed (the photo stays queued).
             */
            reason: string;
        };
        /** FolderFiled */
        FolderFiled: {
            /** Cluster */
            cluster: string;
            /**
             * Moved
             * @description The photos filed (items relative to source).
             */
            moved: string[];
        };
        /**
         * FoldersBatchStartRecord
         * @description The source's folders filed as clusters of the same path: photos per folder.
         */
        FoldersBatchStartRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "folders-batch-start";
            /** Batch */
            batch: string;
            /** Folders */
            folders: {
                [key: string]: number;
            };
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /** FoldersFileRequest */
        FoldersFileRequest: {
            /**
             * Folders
             * @description Which folders (default: every one offered).
             */
            folders?: string[] | null;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** FoldersFiled */
        FoldersFiled: {
            /**
             * Batch
             * @description One batch id: `POST /api/undo {batch}` undoes it whole.
             */
            batch: string;
            /** Clusters */
            clusters: components["schemas"]["FolderFiled"][];
            /**
             * Moved
             * @description Photos filed, all told.
             */
            moved: number;
            /**
             * Failed
             * @description Photos whose move failed (each with the reason): still queued.
             */
            failed: components["schemas"]["FailedItem"][];
            stats: components["schemas"]["Stats"];
        };
        /**
         * GridBatchStartRecord
         * @description A grid (or a stack) filed into `cluster` opens; `rejected`: the unticked photos.
         */
        GridBatchStartRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "grid-batch-start";
            /** Batch */
            batch: string;
            /** Mode */
            mode: string;
            /** Cluster */
            cluster: string;
            /** Rejected */
            rejected?: {
                [key: string]: unknown;
            }[];
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /** GridFileRequest */
        GridFileRequest: {
            /**
             * Mode
             * @enum {string}
             */
            mode: "grid" | "similar" | "discover" | "search";
            /** Cluster */
            cluster: string;
            /**
             * Ticked
             * @description Photos to file, as one batch.
             */
            ticked: string[];
            /**
             * Unticked
             * @description Cluster grid: photos that do not belong (the cluster is demoted for them).
             */
            unticked?: string[];
            /**
             * Create
             * @description Create the cluster (naming a group).
             * @default false
             */
            create: boolean;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** GridFiled */
        GridFiled: {
            /**
             * Batch
             * @description One batch id: `POST /api/undo {batch}` undoes it whole.
             */
            batch: string;
            /** Cluster */
            cluster: string;
            /** Moved */
            moved: string[];
            /**
             * Skipped
             * @description Ticked but filed meanwhile by someone else.
             */
            skipped: string[];
            /**
             * Failed
             * @description Ticked, but the move failed (each with the reason): still queued. When nothing moved because of that, the answer is not this but a `moves_failed` error.
             */
            failed: components["schemas"]["FailedItem"][];
            /** Demoted */
            demoted: string[];
            stats: components["schemas"]["Stats"];
        };
        /** GridItem */
        GridItem: {
            /** Item */
            item: string;
            /**
             * Cluster
             * @description Its first suggestion (rejected clusters demoted).
             */
            cluster: string | null;
            /** Score */
            score: number | null;
            /** Margin */
            margin: number | null;
            /**
             * Similarity
             * @description More like this: cosine to the photo; text search: to the text.
             */
            similarity: number | null;
            /**
             * Frames
             * @description A stack's one tile: every queued frame, this one first (file them all).
             */
            frames?: string[] | null;
            /**
             * Confidence
             * @description Cluster grid: the calibrated probability that its first suggestion is right, learned from the reviewer's decisions (grid ticks and unticks included); proposed group: that it belongs to the group (the same calibration, pooled).
             */
            confidence?: number | null;
        };
        /** GridPage */
        GridPage: {
            /**
             * Mode
             * @enum {string}
             */
            mode: "grid" | "similar" | "discover" | "search";
            /**
             * Cluster
             * @description Grid: the cluster; more like this: the photo's first suggestion.
             */
            cluster: string | null;
            /**
             * Total
             * @description Photos that qualify; the page may show fewer.
             */
            total: number;
            /** Items */
            items: components["schemas"]["GridItem"][];
            /** Note */
            note?: string | null;
            /**
             * Left
             * @description Cluster grid: photos with this first suggestion whose probability of being right is not above the break-even, left for one by one.
             */
            left?: number | null;
            /**
             * Break Even
             * @description Cluster grid: the probability above which a photo costs less in the grid than one by one (from the effort model).
             */
            break_even?: number | null;
            /**
             * Saving
             * @description Cluster grid: expected effort saved against one by one, the grid's own cost paid (effort units: accepting a suggestion costs 0.3).
             */
            saving?: number | null;
        };
        /** HTTPValidationError */
        HTTPValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /** Health */
        Health: {
            /**
             * Status
             * @constant
             */
            status: "ok";
            /** Version */
            version: string;
        };
        /** HelloEvent */
        HelloEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "hello";
            /**
             * Last Seq
             * @description Seq of the newest journal line when the stream opened.
             */
            last_seq: number;
        };
        /** Histogram */
        Histogram: {
            /**
             * Edges
             * @description Bin edges, one more than counts.
             */
            edges: number[];
            /** Counts */
            counts: number[];
        };
        /** IndexingEvent */
        IndexingEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "indexing";
            progress: components["schemas"]["IndexingProgress"];
        };
        /** IndexingProgress */
        IndexingProgress: {
            /** Done */
            done: number;
            /** Total */
            total: number;
            /**
             * Failed
             * @default 0
             */
            failed: number;
            /** Per Second */
            per_second: number;
            /** Eta Seconds */
            eta_seconds?: number | null;
            /** Running */
            running: boolean;
            /**
             * Phase
             * @description `loading`: the model is loading; `clusters`: embedding a few members of every cluster (the first suggestions wait for them); `queue`: the queue, from the reviewer's position; `members`: the remaining cluster members; `done`; `off`: no embedder.
             * @default off
             * @enum {string}
             */
            phase: "loading" | "clusters" | "queue" | "members" | "done" | "off";
            /**
             * Clusters Done
             * @description Clusters with a centroid (a vector).
             * @default 0
             */
            clusters_done: number;
            /**
             * Clusters Total
             * @description Clusters with at least one member.
             * @default 0
             */
            clusters_total: number;
            /**
             * Queue Done
             * @description Queued photos embedded (or undecodable).
             * @default 0
             */
            queue_done: number;
            /**
             * Queue Total
             * @description Photos in the queue.
             * @default 0
             */
            queue_total: number;
        };
        /** ItemDetail */
        ItemDetail: {
            /** Item */
            item: string;
            /** Name */
            name: string;
            /**
             * Location
             * @enum {string}
             */
            location: "source" | "dest" | "trash";
            /** Queued */
            queued: boolean;
            /** Position */
            position: number | null;
            /** Size Bytes */
            size_bytes: number;
            /** Modified */
            modified: number;
            /** Width */
            width: number | null;
            /** Height */
            height: number | null;
            /** Format */
            format: string | null;
            /** Is Raw */
            is_raw: boolean;
            /** Decode Error */
            decode_error: string | null;
            suggestions: components["schemas"]["SuggestionSet"] | null;
            /** @description A queued photo's group; null for a file on its own. */
            group?: components["schemas"]["PhotoGroup"] | null;
            /**
             * Kind
             * @default photo
             * @enum {string}
             */
            kind: "photo" | "video";
            /** Duration S */
            duration_s?: number | null;
            /**
             * Created
             * @description A video's creation time from its container (ISO 8601, UTC).
             */
            created?: string | null;
        };
        /** ItemRequest */
        ItemRequest: {
            /** Item */
            item: string;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** KeepBestRequest */
        KeepBestRequest: {
            /**
             * Items
             * @description One duplicate group (or part of one).
             */
            items: string[];
            /** Reviewer */
            reviewer?: string | null;
        };
        /** KeepBestResult */
        KeepBestResult: {
            /**
             * Batch
             * @description One batch id: one undo brings every trashed file back.
             */
            batch: string;
            /** Kept */
            kept: string;
            /** Trashed */
            trashed: string[];
            /**
             * Skipped
             * @description Filed or trashed meanwhile by someone else.
             */
            skipped: string[];
            /**
             * Failed
             * @description Photos whose move to the trash failed (each with the reason): still queued.
             */
            failed: components["schemas"]["FailedItem"][];
            stats: components["schemas"]["Stats"];
        };
        /**
         * LiveEvent
         * @description One server-sent event's data (the `type` field names the SSE event).
         */
        LiveEvent: components["schemas"]["HelloEvent"] | components["schemas"]["ActionEvent"] | components["schemas"]["QueueChangedEvent"] | components["schemas"]["IndexingEvent"] | components["schemas"]["BatchProgressEvent"] | components["schemas"]["BatchDoneEvent"];
        /**
         * MoveRecord
         * @description A photo's group filed into a cluster (`assign`) or into the trash (`delete`).
         */
        MoveRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "assign" | "delete";
            /** Item */
            item: string;
            /**
             * Src
             * @description Where the photo was, relative to source.
             */
            src: string;
            /**
             * Dst
             * @description Where it went, relative to dest (null: copy mode's trash, a hide).
             */
            dst: string | null;
            /** Cluster */
            cluster?: string | null;
            /**
             * By
             * @enum {string}
             */
            by?: "manual" | "auto";
            /** Reviewer */
            reviewer?: string;
            /** Batch */
            batch?: string | null;
            /**
             * Companions
             * @description The other files of its group, moved with it.
             */
            companions?: components["schemas"]["Companion"][];
            /**
             * Copy
             * @description Copy mode: copied, the source is unchanged.
             */
            copy?: boolean;
            /**
             * Hide
             * @description Copy mode's trash: only hidden from the queue.
             */
            hide?: boolean;
            /** Suggested */
            suggested?: components["schemas"]["ScoredCluster"][];
            /** Confidence */
            confidence?: number | null;
            /** Margin */
            margin?: number;
            /**
             * Mode
             * @description Batch filings: which grid, `stack` or `folders`.
             */
            mode?: string;
            /**
             * Stack
             * @description The stack's first frame.
             */
            stack?: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * OrderRecord
         * @description Queue ordering: `items` first, the rest seeded (or natural, by name).
         */
        OrderRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "order";
            /**
             * Order
             * @enum {string}
             */
            order: "uncertain" | "natural" | "plain";
            /** Items */
            items: string[];
            /** Seed */
            seed: number | null;
            /** Previous Items */
            previous_items: string[];
            /** Previous Seed */
            previous_seed: number | null;
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /** OrderRequest */
        OrderRequest: {
            /**
             * Order
             * @description uncertain: lowest suggestion margin first (worked out now); natural: by name. `POST /api/shuffle` gives a shuffled order.
             * @enum {string}
             */
            order: "uncertain" | "natural";
            /** Reviewer */
            reviewer?: string | null;
        };
        /**
         * PhotoGroup
         * @description The files that travel with a photo: filed, trashed and undone as one.
         */
        PhotoGroup: {
            /**
             * Files
             * @description File names of the group, the face (shown) first.
             */
            files: string[];
            /**
             * Badge
             * @description What the UI shows, e.g. "RAW+JPEG · XMP" or "Live".
             */
            badge: string;
        };
        /** QueueChangedEvent */
        QueueChangedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "queue-changed";
            /**
             * Appeared
             * @description Photos that appeared behind the tool's back.
             */
            appeared: number;
            /** Vanished */
            vanished: number;
            /**
             * Rewritten
             * @description Queued photos whose file was written again in place and is whole again: their thumbnails and suggestions are read afresh.
             */
            rewritten?: string[];
            stats: components["schemas"]["Stats"];
        };
        /** QueueItem */
        QueueItem: {
            /**
             * Item
             * @description Path relative to the source, `/`-separated.
             */
            item: string;
            /** Name */
            name: string;
            /** Position */
            position: number;
            /** @description Null while not embedded yet, in manual-only mode, or with no clusters. */
            suggestions: components["schemas"]["SuggestionSet"] | null;
            /** Decode Error */
            decode_error?: string | null;
            /** @description The other files of its group; null for a file on its own. */
            group?: components["schemas"]["PhotoGroup"] | null;
            /**
             * Kind
             * @description `video`: its images are a poster frame; play `/api/video`.
             * @default photo
             * @enum {string}
             */
            kind: "photo" | "video";
            /**
             * Duration S
             * @description A video's duration in seconds, when its headers say.
             */
            duration_s?: number | null;
        };
        /** QueuePage */
        QueuePage: {
            /** Total */
            total: number;
            /**
             * Counting
             * @description `total` is still being counted (a large source's first walk goes on); the order settles when it ends, announced by a `queue-changed` event.
             * @default false
             */
            counting: boolean;
            /** Offset */
            offset: number;
            /** Limit */
            limit: number;
            /** Items */
            items: components["schemas"]["QueueItem"][];
        };
        /**
         * RecoveryRecord
         * @description What start-up recovery or `verify --repair` did.
         */
        RecoveryRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "recovery";
            /** Actions */
            actions: string[];
        } & {
            [key: string]: unknown;
        };
        /** RemovedCopy */
        RemovedCopy: {
            /** Copy */
            copy: string;
            /** Original */
            original: string;
        } & {
            [key: string]: unknown;
        };
        /** RestoredCompanion */
        RestoredCompanion: {
            /** Restore From */
            restore_from: string;
            /** Restore To */
            restore_to: string;
        } & {
            [key: string]: unknown;
        };
        /** ScoredCluster */
        ScoredCluster: {
            /** Cluster */
            cluster: string;
            /** Score */
            score: number;
        } & {
            [key: string]: unknown;
        };
        /** SessionInfo */
        SessionInfo: {
            /** Source */
            source: string;
            /** Dest */
            dest: string;
            embedder: components["schemas"]["EmbedderInfo"];
            settings: components["schemas"]["Settings"];
            /** @description What each setting is before any change. */
            defaults: components["schemas"]["SettingsDefaults"];
            stats: components["schemas"]["Stats"];
            /** Clusters */
            clusters: components["schemas"]["ClusterInfo"][];
            indexing: components["schemas"]["IndexingProgress"];
            /**
             * Last Seq
             * @description Seq of the newest journal line.
             */
            last_seq: number;
            /**
             * Recovery
             * @description What start-up recovery did, if anything.
             */
            recovery: string[];
            /**
             * Copy Mode
             * @description Filing copies into dest; the source is never changed (trash only hides).
             * @default false
             */
            copy_mode: boolean;
            /**
             * Copy Reason
             * @description Why copy mode is on: asked for (--copy), or a read-only source.
             */
            copy_reason?: string | null;
        };
        /** Settings */
        Settings: {
            /** Manual Only */
            manual_only: boolean;
            /**
             * Threshold
             * @description Auto-move score threshold; null = recommended.
             */
            threshold: number | null;
            /** Min Samples */
            min_samples: number;
            /** Min Margin */
            min_margin: number;
            /** Target Precision */
            target_precision: number;
            /** Top K */
            top_k: number;
            /**
             * Slots
             * @description Clusters pinned to hotkeys 1-9 by position (null: a free slot, given to an unpinned cluster).
             */
            slots: (string | null)[];
        };
        /** SettingsDefaults */
        SettingsDefaults: {
            /** Manual Only */
            manual_only: boolean;
            /**
             * Threshold
             * @description Auto-move score threshold; null = recommended.
             */
            threshold: number | null;
            /** Min Samples */
            min_samples: number;
            /** Min Margin */
            min_margin: number;
            /** Target Precision */
            target_precision: number;
            /** Top K */
            top_k: number;
            /**
             * Slots
             * @description Clusters pinned to hotkeys 1-9 by position (null: a free slot, given to an unpinned cluster).
             */
            slots: (string | null)[];
            /**
             * Fallback Threshold
             * @description Auto-move threshold used when neither the reviewer nor the session's evidence (the recommendation) gives one.
             */
            fallback_threshold: number;
        };
        /**
         * SettingsRecord
         * @description Settings changed, with their previous values.
         */
        SettingsRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "settings";
            /** Settings */
            settings: {
                [key: string]: unknown;
            };
            /** Previous */
            previous?: {
                [key: string]: unknown;
            };
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * SettingsUpdate
         * @description A partial change: omitted fields keep their value; only `threshold` may be null.
         */
        SettingsUpdate: {
            /** Manual Only */
            manual_only?: boolean;
            /** Threshold */
            threshold?: number | null;
            /** Min Samples */
            min_samples?: number;
            /** Min Margin */
            min_margin?: number;
            /** Target Precision */
            target_precision?: number;
            /** Top K */
            top_k?: number;
            /** Slots */
            slots?: (string | null)[];
            /** Reviewer */
            reviewer?: string | null;
        };
        /**
         * ShuffleRecord
         * @description The queue reshuffled with `seed`.
         */
        ShuffleRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "shuffle";
            /** Seed */
            seed: number;
            /** Previous Seed */
            previous_seed?: number | null;
            /** Previous Items */
            previous_items?: string[];
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /** ShuffleRequest */
        ShuffleRequest: {
            /**
             * Seed
             * @description Same seed, same order; omit for random.
             */
            seed?: number | null;
            /** Reviewer */
            reviewer?: string | null;
        };
        /**
         * SkipRecord
         * @description A photo sent to the end of the queue.
         */
        SkipRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "skip";
            /** Item */
            item: string;
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /** SourceFolder */
        SourceFolder: {
            /**
             * Folder
             * @description Path relative to source, `/`-separated; also the cluster.
             */
            folder: string;
            /**
             * Count
             * @description Queued photos directly in it.
             */
            count: number;
            /**
             * Exists
             * @description Dest already has this cluster (filing adds to it).
             */
            exists: boolean;
        };
        /**
         * SourceFolders
         * @description Folders the source already holds, offered as clusters (only with a separate dest).
         */
        SourceFolders: {
            /**
             * Folders
             * @description Sorted by path; empty: nothing to offer.
             */
            folders: components["schemas"]["SourceFolder"][];
            /**
             * Photos
             * @description Queued photos in them, all told.
             */
            photos: number;
        };
        /** StackFileRequest */
        StackFileRequest: {
            /**
             * Items
             * @description The stack's frames as shown, face first.
             */
            items: string[];
            /** Cluster */
            cluster: string;
            /**
             * Create
             * @description Create the cluster first.
             * @default false
             */
            create: boolean;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** StackFiled */
        StackFiled: {
            /**
             * Batch
             * @description One batch id: `POST /api/undo {batch}` undoes it whole.
             */
            batch: string;
            /** Cluster */
            cluster: string;
            /** Moved */
            moved: string[];
            /**
             * Skipped
             * @description Frames filed meanwhile by someone else.
             */
            skipped: string[];
            /**
             * Failed
             * @description Frames whose move failed (each with the reason): still queued.
             */
            failed: components["schemas"]["FailedItem"][];
            /**
             * Records
             * @description The moves' journal lines.
             */
            records: components["schemas"]["ActionRecord"][];
            stats: components["schemas"]["Stats"];
        };
        /** StackInfo */
        StackInfo: {
            /**
             * Face
             * @description The first frame: what the queue shows for the stack.
             */
            face: string;
            /**
             * Items
             * @description Every frame in capture order, the face first.
             */
            items: string[];
            /**
             * Span S
             * @description Seconds from the first frame to the last.
             */
            span_s: number;
        };
        /**
         * StackPullRecord
         * @description A frame taken out of its stack: a view choice, never undone by a plain undo.
         */
        StackPullRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "stack-pull";
            /** Item */
            item: string;
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /** StackPullRequest */
        StackPullRequest: {
            /**
             * Item
             * @description A frame to take out of its stack: shown on its own after.
             */
            item: string;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** StacksPage */
        StacksPage: {
            /** Stacks */
            stacks: components["schemas"]["StackInfo"][];
            /**
             * Gap S
             * @description Frames further apart than this never stack.
             */
            gap_s: number;
            /**
             * Cut
             * @description Cosine between two frames' vectors needed to stack them.
             */
            cut: number;
            /**
             * Note
             * @description Why there are none (suggestions off).
             */
            note?: string | null;
        };
        /** Stats */
        Stats: {
            /** Queued */
            queued: number;
            /**
             * Processed
             * @description Photos filed or trashed (net of undo).
             */
            processed: number;
            /** Manual */
            manual: number;
            /** Auto */
            auto: number;
            /** Deleted */
            deleted: number;
            /** Skipped */
            skipped: number;
            /** Undone */
            undone: number;
            /**
             * Counting
             * @description The first walk of a large source is still going on: `queued` counts the photos found so far, and the queue's order settles when it ends.
             * @default false
             */
            counting: boolean;
        };
        /** Suggestion */
        Suggestion: {
            /** Cluster */
            cluster: string;
            /**
             * Score
             * @description Cosine similarity to the cluster centroid.
             */
            score: number;
            /**
             * Few Samples
             * @description The cluster has fewer than min_samples members.
             */
            few_samples: boolean;
        };
        /** SuggestionSet */
        SuggestionSet: {
            /** Top */
            top: components["schemas"]["Suggestion"][];
            /**
             * Margin
             * @description Score of the first minus score of the second.
             */
            margin: number | null;
            /**
             * Confidence
             * @description Estimated probability that the first suggestion is right.
             */
            confidence: number | null;
            /**
             * Weak
             * @description The first suggestion is a poor fit (likely wrong, or barely ahead of the runner-up): the photo may belong to a cluster that does not exist yet.
             * @default false
             */
            weak: boolean;
            /**
             * Decisions
             * @description Decisions by hand so far that the confidence is learnt from.
             * @default 0
             */
            decisions: number;
            /**
             * Decisions Needed
             * @description Decisions the confidence needs before it has a value.
             * @default 0
             */
            decisions_needed: number;
        };
        /**
         * TrashBatchStartRecord
         * @description Duplicates trashed as one batch: which photo was kept, and why.
         */
        TrashBatchStartRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "trash-batch-start";
            /** Batch */
            batch: string;
            /** Kept */
            kept: string;
            /** Reason */
            reason: string;
            /** Reviewer */
            reviewer?: string;
        } & {
            [key: string]: unknown;
        };
        /**
         * UndoRecord
         * @description Reverses line `undoes`; a move's group goes back to the source.
         */
        UndoRecord: {
            /**
             * Seq
             * @description Increasing, never reused; not necessarily dense.
             */
            seq: number;
            /**
             * Ts
             * @description When it was written (ISO 8601, UTC).
             */
            ts: string;
            /**
             * Settled
             * @description Every move up to this seq had finished or aborted.
             */
            settled?: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "undo";
            /** Undoes */
            undoes: number;
            /** Reviewer */
            reviewer?: string;
            /** Item */
            item?: string | null;
            /**
             * Restore From
             * @description Relative to dest.
             */
            restore_from?: string;
            /**
             * Restore To
             * @description Relative to source.
             */
            restore_to?: string;
            /** Cluster */
            cluster?: string | null;
            /** Batch */
            batch?: string | null;
            /** Companions */
            companions?: components["schemas"]["RestoredCompanion"][];
            /** Copy */
            copy?: boolean;
            /**
             * Removed
             * @description Copy mode: the copies removed.
             */
            removed?: components["schemas"]["RemovedCopy"][];
            /**
             * Kept
             * @description Copy mode: copies kept because they changed since (dest).
             */
            kept?: string[];
        } & {
            [key: string]: unknown;
        };
        /** UndoRequest */
        UndoRequest: {
            /**
             * Seq
             * @description Journal seq to undo; default: the newest.
             */
            seq?: number | null;
            /**
             * Batch
             * @description Undo a whole auto-move batch.
             */
            batch?: string | null;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** UndoneCount */
        UndoneCount: {
            /**
             * Actions
             * @description Actions taken back: a batch (a grid, a stack) is one.
             */
            actions: number;
            /**
             * Moves
             * @description Photos (with their groups) that went back; batch markers and made folders are not moves.
             */
            moves: number;
        };
        /** ValidationError */
        ValidationError: {
            /** Location */
            loc: (string | number)[];
            /** Message */
            msg: string;
            /** Error Type */
            type: string;
            /** Input */
            input?: unknown;
            /** Context */
            ctx?: Record<string, never>;
        };
        /** ViewingRequest */
        ViewingRequest: {
            /**
             * Item
             * @description The item this reviewer is looking at; null = none.
             */
            item: string | null;
            /** Reviewer */
            reviewer?: string | null;
        };
        /** RootModel[Union[HelloEvent, ActionEvent, QueueChangedEvent, IndexingEvent, BatchProgressEvent, BatchDoneEvent]] */
        RootModel_Union_HelloEvent__ActionEvent__QueueChangedEvent__IndexingEvent__BatchProgressEvent__BatchDoneEvent__: components["schemas"]["HelloEvent"] | components["schemas"]["ActionEvent"] | components["schemas"]["QueueChangedEvent"] | components["schemas"]["IndexingEvent"] | components["schemas"]["BatchProgressEvent"] | components["schemas"]["BatchDoneEvent"];
        /** RootModel[Union[MoveRecord, UndoRecord, AbortRecord, ClusterCreateRecord, SkipRecord, ShuffleRecord, OrderRecord, SettingsRecord, StackPullRecord, RecoveryRecord, AutoBatchStartRecord, GridBatchStartRecord, TrashBatchStartRecord, FoldersBatchStartRecord, AutoBatchEndRecord, BatchEndRecord]] */
        RootModel_Union_MoveRecord__UndoRecord__AbortRecord__ClusterCreateRecord__SkipRecord__ShuffleRecord__OrderRecord__SettingsRecord__StackPullRecord__RecoveryRecord__AutoBatchStartRecord__GridBatchStartRecord__TrashBatchStartRecord__FoldersBatchStartRecord__AutoBatchEndRecord__BatchEndRecord__: components["schemas"]["MoveRecord"] | components["schemas"]["UndoRecord"] | components["schemas"]["AbortRecord"] | components["schemas"]["ClusterCreateRecord"] | components["schemas"]["SkipRecord"] | components["schemas"]["ShuffleRecord"] | components["schemas"]["OrderRecord"] | components["schemas"]["SettingsRecord"] | components["schemas"]["StackPullRecord"] | components["schemas"]["RecoveryRecord"] | components["schemas"]["AutoBatchStartRecord"] | components["schemas"]["GridBatchStartRecord"] | components["schemas"]["TrashBatchStartRecord"] | components["schemas"]["FoldersBatchStartRecord"] | components["schemas"]["AutoBatchEndRecord"] | components["schemas"]["BatchEndRecord"];
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health_api_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    get_session_api_session_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionInfo"];
                };
            };
        };
    };
    get_settings_api_settings_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
        };
    };
    update_settings_api_settings_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SettingsUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    get_queue_api_queue_get: {
        parameters: {
            query?: {
                offset?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuePage"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    get_item_api_items__item__get: {
        parameters: {
            query?: {
                root?: ("source" | "dest" | "trash") | null;
            };
            header?: never;
            path: {
                item: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ItemDetail"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    get_image_api_image__item__get: {
        parameters: {
            query?: {
                size?: "thumb" | "preview" | "original";
                root?: ("source" | "dest" | "trash") | null;
            };
            header?: never;
            path: {
                item: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rendition or original bytes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": unknown;
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The photo cannot be decoded. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    assign_api_assign_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or a conflict. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    delete_api_delete_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ItemRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or a conflict. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    skip_api_skip_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ItemRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or a conflict. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    shuffle_api_shuffle_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShuffleRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or a conflict. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    undo_api_undo_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UndoRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or a conflict. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    create_cluster_api_clusters_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ClusterCreateRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or a conflict. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    viewing_api_viewing_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ViewingRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or a conflict. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    actions_api_actions_get: {
        parameters: {
            query?: {
                /** @description Only lines with a greater seq. */
                after?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionsPage"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    estimate_api_auto_move_estimate_get: {
        parameters: {
            query?: {
                threshold?: number | null;
                min_samples?: number | null;
                min_margin?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AutoMoveEstimate"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    auto_move_api_auto_move_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AutoMoveRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AutoMoveResult"];
                };
            };
            /** @description No rule to follow yet; or nothing moved: `moves_failed` lists each photo with the reason its move failed (they stay queued). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Nothing moved: the disk is full (`moves_failed`, every photo listed). */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    cluster_grid_api_grid_get: {
        parameters: {
            query?: {
                cluster?: string | null;
                item?: string | null;
                limit?: number;
                everything?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GridPage"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Suggestions are off or not ready. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    similar_api_grid_similar_get: {
        parameters: {
            query: {
                item: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GridPage"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Suggestions are off or not ready. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    search_api_grid_search_get: {
        parameters: {
            query: {
                text: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GridPage"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Suggestions are off or not ready. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    discover_api_discover_get: {
        parameters: {
            query?: {
                everything?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DiscoveryPage"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Suggestions are off or not ready. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    file_grid_api_grid_file_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GridFileRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GridFiled"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Nothing moved: `moves_failed` lists each photo with the reason its move failed (they stay queued); or the cluster is unknown / cannot be made. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Nothing moved: the disk is full (`moves_failed`, every photo listed). */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    order_api_order_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Suggestions are off or not ready. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    source_folders_api_source_folders_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SourceFolders"];
                };
            };
        };
    };
    file_source_folders_api_source_folders_file_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FoldersFileRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FoldersFiled"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No source folder holds queued photos. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Nothing moved: `moves_failed` lists each photo with the reason. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Nothing moved: the disk is full (`moves_failed`, every photo listed). */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    stacks_api_stacks_get: {
        parameters: {
            query?: {
                /** @description Only stacks with a frame among the first `head`. */
                head?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StacksPage"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    file_stack_api_stacks_file_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StackFileRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StackFiled"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or suggestions are off. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    pull_from_stack_api_stacks_pull_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StackPullRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActionResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or suggestions are off. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    duplicates_api_duplicates_get: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Only groups with a photo among the first `head`. */
                head?: number | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DuplicatesPage"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    keep_best_api_duplicates_keep_best_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Reviewer"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KeepBestRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeepBestResult"];
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not queued any more, or suggestions are off. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
    events_api_events_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A stream of these, one per event. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["LiveEvent"];
                };
            };
        };
    };
    get_video_api_video__item__get: {
        parameters: {
            query?: {
                root?: ("source" | "dest" | "trash") | null;
            };
            header?: never;
            path: {
                item: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole video. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "video/mp4": unknown;
                };
            };
            /** @description The byte range asked for (`Range: bytes=...`). */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A range outside the file. */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
        };
    };
}
