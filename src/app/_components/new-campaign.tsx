"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { CampaignForm, serverFieldErrors } from "./campaign-form";

export function NewCampaign() {
  const trpc = useTRPC();
  const router = useRouter();
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.campaign.create.mutationOptions({
      onSuccess: (c) => router.push(`/campaigns/${c.id}`),
      onError: (e) => setServerErrors(serverFieldErrors(e)),
    }),
  );
  return <CampaignForm submitLabel="Create campaign" pending={create.isPending || create.isSuccess} serverErrors={serverErrors} onSubmit={(d) => create.mutate(d)} />;
}
