CREATE TABLE "job_effects" (
	"job_id" uuid NOT NULL,
	"effect" varchar(100) NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_effects_job_id_effect_pk" PRIMARY KEY("job_id","effect")
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"key" varchar(100) PRIMARY KEY NOT NULL,
	"attempts" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_effects" ADD CONSTRAINT "job_effects_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "login_attempts_window_ends_idx" ON "login_attempts" USING btree ("window_ends_at");