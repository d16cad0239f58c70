ALTER TABLE "ai_responses" ALTER COLUMN "response_text" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "user_id" bigint;--> statement-breakpoint
UPDATE "ai_responses" SET "user_id" = q."user_id" FROM "questionnaires" q WHERE q."id" = "ai_responses"."questionnaire_id";--> statement-breakpoint
ALTER TABLE "ai_responses" ALTER COLUMN "user_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "job_id" uuid;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "latency_ms" integer;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "llm_calls" integer;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "resume" jsonb;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "changes" jsonb;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "analysis_before" jsonb;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "analysis_after" jsonb;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "idempotency_key" varchar(255);--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "request_hash" varchar(64);--> statement-breakpoint
ALTER TABLE "ai_responses" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
UPDATE "ai_responses" SET "completed_at" = "created_at" WHERE "response_text" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD CONSTRAINT "ai_responses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_responses" ADD CONSTRAINT "ai_responses_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_responses_user_created_idx" ON "ai_responses" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "ai_responses_user_completed_idx" ON "ai_responses" USING btree ("user_id","completed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ai_responses_user_idempotency_key" ON "ai_responses" USING btree ("user_id","idempotency_key") WHERE "ai_responses"."idempotency_key" is not null;